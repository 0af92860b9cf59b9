#include "cmd/commands.hpp"

#include "cli/hook_install.hpp"
#include "core/error.hpp"
#include "git/hooks.hpp"
#include "git/repo.hpp"

#include <fmt/format.h>

namespace wave::cmd {

int hooks(const cli::Args& args) {
  std::string action;
  auto app = cli::make_app("hooks", "git wave hooks (install | uninstall)",
                           "Install or remove git wave's pre-commit hook in this repository.");
  app->add_option("action", action, "install: add the pre-commit hook, chaining one already there; "
                                    "uninstall: remove it, putting a chained hook back")
      ->check(CLI::IsMember({"install", "uninstall"}))
      ->required()
      ->option_text("(install | uninstall)");
  cli::parse(*app, args);

  const git::Repo repo = git::open();
  if (action == "install") {
    const auto result = cli::install_pre_commit(repo.get());
    fmt::print("{}\n", cli::describe(result));
    return exit_code::ok;
  }
  const git::HooksDir dir = git::hooks_dir(repo.get());
  const std::string hook = (dir.path / "pre-commit").string();
  switch (git::uninstall_hook(dir.path, "pre-commit", cli::pre_commit_marker())) {
  case git::HookRemoval::removed:
    fmt::print("removed the pre-commit hook '{}'\n", hook);
    break;
  case git::HookRemoval::restored:
    fmt::print("removed git wave's pre-commit hook; '{}' is the hook that was there before\n", hook);
    break;
  case git::HookRemoval::absent:
    fmt::print("there is no pre-commit hook in '{}'\n", dir.path.string());
    break;
  case git::HookRemoval::foreign:
    throw Error(fmt::format("the pre-commit hook '{}' is not git wave's: left alone", hook), exit_code::fatal,
                {"if a hook manager runs 'git wave hook pre-commit', remove that step from its configuration"});
  }
  return exit_code::ok;
}

} // namespace wave::cmd
