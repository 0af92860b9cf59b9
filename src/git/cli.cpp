#include "git/cli.hpp"

#include "core/error.hpp"
#include "git/worktree.hpp"

#include <fmt/format.h>


namespace wave::git {

std::string git_command(const std::vector<std::string>& args) {
  std::string out = "git";
  for (const auto& a : args) {
    out += ' ';
    out += git::shell_quote(a);
  }
  return out;
}

GitResult run_git(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                  const std::vector<std::pair<std::string, std::string>>& env) {
  util::ProcessOptions o = git::git_process(args, cwd);
  o.env = env;
  GitResult r;
  o.capture = &r.output;
  r.process = util::run_process(o);
  while (!r.output.empty() && r.output.back() == '\n') {
    r.output.pop_back();
  }
  return r;
}

} // namespace wave::git
