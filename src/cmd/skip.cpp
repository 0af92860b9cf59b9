#include "cmd/commands.hpp"
#include "cmd/decide.hpp"

namespace wave::cmd {

int skip(const cli::Args& args) {
  return decide_command(args, run::ActionKind::skip);
}

} // namespace wave::cmd
