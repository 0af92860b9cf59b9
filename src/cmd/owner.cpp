#include "cmd/commands.hpp"

#include "core/error.hpp"

namespace wave::cmd {

int owner(const cli::Args& args) {
  auto app = cli::make_app("owner", "git wave owner [<options>]", "Validate a owner and show its waves.");
  cli::parse(*app, args);
  throw Error("git wave owner: in progress");
}

} // namespace wave::cmd
