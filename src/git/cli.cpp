#include "git/cli.hpp"

#include "core/error.hpp"
#include "git/worktree.hpp"
#include "util/file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

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
  const auto tmp = std::filesystem::temp_directory_path() / "git-wave-XXXXXX";
  std::string name = tmp.string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    throw Error(fmt::format("cannot create a temporary file: {}", std::strerror(errno)));
  }
  ::close(fd);
  util::ProcessOptions o = git::git_process(args, cwd);
  o.env = env;
  o.log = name;
  GitResult r;
  try {
    r.process = util::run_process(o);
  } catch (...) {
    std::filesystem::remove(name);
    throw;
  }
  r.output = util::read_file(name).value_or(std::string());
  std::filesystem::remove(name);
  while (!r.output.empty() && r.output.back() == '\n') {
    r.output.pop_back();
  }
  return r;
}

} // namespace wave::git
