#pragma once

// Test support for the git-facing gate units: hermetic temporary repositories
// driven by the real git CLI (the oracle) and opened with libgit2.

#include "git/check.hpp"
#include "git/handle.hpp"
#include "git/repo.hpp"

#include <git2.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace wave::test {

namespace fs = std::filesystem;

inline fs::path test_root() {
  static const fs::path root = [] {
    const char* base = std::getenv("WAVE_TEST_TMP");
    auto dir = fs::path(base != nullptr ? base : "/tmp") / ("gate-unit-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "home");
    // The same hermetic setup as tests/integration/lib.sh, for git and libgit2.
    ::setenv("HOME", (dir / "home").c_str(), 1);
    ::setenv("XDG_CONFIG_HOME", (dir / "home" / ".config").c_str(), 1);
    ::setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    ::setenv("GIT_AUTHOR_NAME", "A U Thor", 1);
    ::setenv("GIT_AUTHOR_EMAIL", "author@example.com", 1);
    ::setenv("GIT_COMMITTER_NAME", "C O Mitter", 1);
    ::setenv("GIT_COMMITTER_EMAIL", "committer@example.com", 1);
    ::setenv("GIT_AUTHOR_DATE", "2005-04-07T22:13:13Z", 1);
    ::setenv("GIT_COMMITTER_DATE", "2005-04-07T22:13:13Z", 1);
    ::setenv("LANG", "C", 1);
    ::setenv("LC_ALL", "C", 1);
    ::setenv("TZ", "UTC", 1);
    ::unsetenv("GIT_DIR");
    ::unsetenv("GIT_WORK_TREE");
    ::unsetenv("GIT_INDEX_FILE");
    const fs::path empty = dir / "empty-config";
    fs::create_directories(empty);
    for (const auto level : {GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL,
                             GIT_CONFIG_LEVEL_PROGRAMDATA}) {
      git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, empty.c_str());
    }
    return dir;
  }();
  return root;
}

// Runs a shell command in `cwd`, returns its stdout; throws when it fails.
inline std::string sh(const fs::path& cwd, const std::string& command) {
  const std::string full = "cd '" + cwd.string() + "' && " + command;
  FILE* p = ::popen(full.c_str(), "r");
  if (p == nullptr) {
    throw std::runtime_error("cannot run: " + command);
  }
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) {
    out.append(buf.data(), n);
  }
  const int status = ::pclose(p);
  if (status != 0) {
    throw std::runtime_error("command failed (" + std::to_string(status) + "): " + command);
  }
  return out;
}

inline std::string trim_nl(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

class TempRepo {
public:
  explicit TempRepo(const std::string& name) {
    static int counter = 0;
    m_dir = test_root() / (name + "-" + std::to_string(++counter));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    git("init -q -b main .");
    git("config user.name 'A U Thor'");
    git("config user.email author@example.com");
  }

  const fs::path& dir() const { return m_dir; }

  std::string git(const std::string& args) const { return sh(m_dir, "git " + args); }

  void write(const std::string& path, const std::string& content) const {
    const fs::path p = m_dir / path;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
  }

  // Stages everything and commits; returns the new commit id.
  std::string commit_all(const std::string& message) const {
    git("add -A");
    git("commit -q --allow-empty -m '" + message + "'");
    return trim_nl(git("rev-parse HEAD"));
  }

  git::Repo open() const { return git::open(m_dir); }

private:
  fs::path m_dir;
};

} // namespace wave::test
