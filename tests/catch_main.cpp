// Catch2's main lives in its own TU: it costs ~20 s to compile.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
