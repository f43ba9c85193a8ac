#pragma once

// The message graph in one file: every typed actor interface of the node,
// each with a one-line role and a comment per handler. Message payload types
// live in actors/messages.hpp and are registered in actors/types.cpp.

#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/messages.hpp"

namespace adbatch {

// Sections are added by each component (supervisor, storage, ...).

} // namespace adbatch
