#pragma once

#include <filesystem>
#include <string>
#include <string_view>

// Paths typed on the command line, turned into paths relative to the work
// tree root the way git does (setup.c prefix_path).
namespace wave::cli {

class RepoPaths {
public:
  // `root` is the work tree root, `cwd` the current directory; throws Error
  // when the current directory is not inside the work tree.
  RepoPaths(const std::filesystem::path& root, const std::filesystem::path& cwd);

  // Where the current directory is in the work tree ("src/lib/"), empty at the root.
  const std::string& prefix() const { return m_prefix; }

  // `arg`, relative to the current directory or absolute, as a path from the
  // root: "//" squashed, "." dropped, ".." resolved, a trailing '/' kept.
  // Throws Error (128) when it leads outside the work tree, like git.
  std::string resolve(std::string_view arg) const;

private:
  std::filesystem::path m_root;           // as libgit2 gives it
  std::filesystem::path m_canonical_root; // symlinks resolved
  std::string m_prefix;
};

} // namespace wave::cli
