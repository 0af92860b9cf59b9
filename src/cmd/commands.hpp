#pragma once

#include "cli/app.hpp"

// One entry function per subcommand, each in src/cmd/<name>.cpp.
namespace wave::cmd {

int init(const cli::Args& args);
int plan(const cli::Args& args);
int owner(const cli::Args& args);

} // namespace wave::cmd
