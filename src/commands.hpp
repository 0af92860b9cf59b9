#pragma once

#include "cli/app.hpp"

#include <span>

namespace wave {

// The subcommands of git-wave (src/commands.cpp).
std::span<const cli::Command> commands();

// What git-wave runs of itself, never listed: `--log-relay` (git wave run's
// capped logs).
std::span<const cli::Command> internal_commands();

} // namespace wave
