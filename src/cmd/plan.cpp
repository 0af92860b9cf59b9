#include "cmd/commands.hpp"

#include "core/error.hpp"

namespace wave::cmd {

int plan(const cli::Args& args) {
  auto app = cli::make_app("plan", "git wave plan [<options>]", "Validate a plan and show its waves.");
  cli::parse(*app, args);
  throw Error("git wave plan: in progress");
}

} // namespace wave::cmd
