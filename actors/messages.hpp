#pragma once

// Payload types carried in messages between actors. Each one has an
// `inspect` overload and is registered in actors/types.cpp, so it can also
// cross CAF remote connections.

#include <caf/meta/type_name.hpp>

namespace adbatch {

} // namespace adbatch
