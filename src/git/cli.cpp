#include "git/cli.hpp"

#include "core/error.hpp"
#include "git/worktree.hpp"

#include <fmt/format.h>

#include <sys/mman.h>
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

GitResult run_git_stdout(const std::filesystem::path& cwd, const std::vector<std::string>& args) {
  util::ProcessOptions o = git::git_process(args, cwd);
  GitResult r;
  o.capture = &r.output;
  // stderr into a file in memory, read once git is done.
  const int err = ::memfd_create("git-stderr", MFD_CLOEXEC);
  o.stderr_fd = err;
  r.process = util::run_process(o);
  if (err >= 0) {
    char buf[4096];
    ssize_t n = 0;
    ::lseek(err, 0, SEEK_SET);
    while ((n = ::read(err, buf, sizeof buf)) > 0) {
      r.errors.append(buf, static_cast<std::size_t>(n));
    }
    ::close(err);
  }
  while (!r.errors.empty() && r.errors.back() == '\n') {
    r.errors.pop_back();
  }
  return r;
}

} // namespace wave::git
