#include "cmd/commands.hpp"
#include "cmd/decide.hpp"

namespace wave::cmd {

int relaunch(const cli::Args& args) {
  return decide_command(args, run::ActionKind::relaunch);
}

} // namespace wave::cmd
