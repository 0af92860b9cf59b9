#pragma once

#include "cli/parser.hpp"

// One entry function per subcommand, each in src/cmd/<name>.cpp.
namespace wave::cmd {

int init(const cli::Args& args);
int plan(const cli::Args& args);
int owner(const cli::Args& args);
int start(const cli::Args& args);
int status(const cli::Args& args);
int prompt(const cli::Args& args);
int commit(const cli::Args& args);
int gate(const cli::Args& args);
int audit(const cli::Args& args);
int merge(const cli::Args& args);
int abort(const cli::Args& args);
int repair(const cli::Args& args);
int accept(const cli::Args& args);
int skip(const cli::Args& args);
int relaunch(const cli::Args& args);
int amend(const cli::Args& args);
int hook(const cli::Args& args);
int run(const cli::Args& args);
int logs(const cli::Args& args);
int log_relay(const cli::Args& args); // internal: git wave --log-relay
int attach(const cli::Args& args);
int report(const cli::Args& args);
int join(const cli::Args& args);
int claim(const cli::Args& args);
int release(const cli::Args& args);
int mcp(const cli::Args& args);

} // namespace wave::cmd
