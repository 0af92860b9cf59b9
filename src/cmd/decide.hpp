#pragma once

#include "cli/parser.hpp"
#include "run/state.hpp"

// The body shared by `git wave accept`, `skip` and `relaunch`: a person's
// decision about one agent, recorded in the run (runner/decide.hpp).
namespace wave::cmd {

int decide_command(const cli::Args& args, run::ActionKind kind);

} // namespace wave::cmd
