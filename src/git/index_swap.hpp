#pragma once

#include <git2.h>

#include <filesystem>
#include <string>
#include <vector>

// Replacing a worktree's index so that a kill at any instant leaves it whole
// (docs/crash-safety.md, "The lead commit never leaves the index behind its
// branch"): the new index is written complete to a file of git wave's own
// beside it (`prepare_index`), linked as git's `index.lock` (taken the way git
// takes it: failing when it exists), then renamed over the index
// (`install_index`). A kill leaves the old index, the new one, or that lock,
// recognisable as git wave's by its inode (`finish_index_install`).
namespace wave::git {

// Whether `a` and `b` name one file: the same inode on the same device.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

// "<file>.lock": the lock git takes on `file` while it replaces it.
std::filesystem::path lock_of(const std::filesystem::path& file);

// Throws wave::Error "the index of worktree 'W' is locked: 'L' exists", with
// how to clear it and then `more_hints`, when git's lock on `index` is
// taken: a git command is running there, or one was killed there.
void check_index_unlocked(const std::filesystem::path& index, const std::filesystem::path& worktree,
                          const std::vector<std::string>& more_hints = {});

// Writes `index`'s entries, at its version, to the new index file `prepared`
// (a file and lock of that name left before are removed first).
void prepare_index(git_index* index, const std::filesystem::path& prepared);

// Installs `prepared`, an index file beside `index`, as `index` of the
// worktree `worktree`. Throws wave::Error when git's lock on the index is
// taken (check_index_unlocked's error, then `more_hints`) or the file cannot
// be linked or renamed; `index` is then as it was and no lock is left.
// `prepared` stays, a second name of the new index: the caller removes it
// when what the install belongs to is complete.
void install_index(const std::filesystem::path& prepared, const std::filesystem::path& index,
                   const std::filesystem::path& worktree, const std::vector<std::string>& more_hints = {});

// Finishes an install a kill interrupted: when `index`'s lock is `prepared`,
// renames it over `index`. Returns whether `index` is `prepared` now (the
// install is complete). Throws wave::Error when the rename fails.
bool finish_index_install(const std::filesystem::path& prepared, const std::filesystem::path& index,
                          const std::filesystem::path& worktree);

} // namespace wave::git
