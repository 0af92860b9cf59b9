#include "cmd/commands.hpp"
#include "cmd/decide.hpp"

namespace wave::cmd {

int accept(const cli::Args& args) {
  return decide_command(args, run::ActionKind::accept);
}

} // namespace wave::cmd
