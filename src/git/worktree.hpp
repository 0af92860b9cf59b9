#pragma once

#include "git/handle.hpp"
#include "util/process.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Linked worktrees. Registering one (metadata under <common dir>/worktrees/)
// must happen one at a time -- concurrent `git worktree add` race on that
// folder -- while checking files out is independent per worktree and can run
// in parallel. So the two steps are separate here, and both are done with
// the git CLI, exactly as `git worktree add` does them.
namespace wave::git {

struct LinkedWorktree {
  std::string name;                // folder under <common dir>/worktrees/
  std::filesystem::path path;      // where its files are
  std::filesystem::path admin_dir; // <common dir>/worktrees/<name>
  std::string head;                // "refs/heads/<branch>", or an object id when detached
  bool present = false;            // its folder exists
  bool checked_out = false;        // it has an index: files were checked out
  bool initializing = false;       // locked "initializing": a `git worktree add` that never finished
};

// Every linked worktree of the repository (not the main one).
std::vector<LinkedWorktree> linked_worktrees(git_repository* repo);

// The entry for `path` (compared after resolving symlinks), if any.
std::optional<LinkedWorktree> find_worktree(const std::vector<LinkedWorktree>& worktrees,
                                            const std::filesystem::path& path);

// Is `path` free for a new worktree: absent, or an empty folder?
bool path_is_free(const std::filesystem::path& path);

// Why a worktree cannot be made at `path` although it is free: the nearest
// existing folder above it is a file ("worktree path '...' cannot be made:
// '...' is a file, not a folder"); nullopt when nothing is in the way. `git
// worktree add` would fail on it only once the wave is recorded.
std::optional<std::string> blocked_parent(const std::string& path);

// The admin folder of a worktree whose `git worktree add` was killed before
// it finished, when `path` is one: its folder holds nothing but the `.git`
// file, and that points to an admin folder under <common dir>/worktrees/
// that is missing or still locked "initializing". Nothing of the user's can
// be there.
std::optional<std::filesystem::path> half_made_worktree(git_repository* repo,
                                                        const std::filesystem::path& path);

// Removes what a killed `git worktree add` left: the `.git` file in `path`
// and the admin folder. The (then empty) folder stays.
void discard_half_made_worktree(const std::filesystem::path& path, const std::filesystem::path& admin_dir);

// `git worktree add --no-checkout [-f] <path> <branch>`, run from `repo_root`.
// `force` re-registers a path whose folder went missing. Output goes to
// `log`; a failure throws Error with its last lines.
void add_worktree(const std::filesystem::path& repo_root, const std::filesystem::path& path,
                  std::string_view branch, bool force, const std::filesystem::path& log);

// Checks out a registered worktree's HEAD into its index and files, the way
// `git worktree add` finishes (`git reset --hard --no-recurse-submodules`),
// every file of it: a sparse checkout it inherited is turned off first.
// Output goes to `log`; a failure throws Error with its last lines.
void checkout_worktree(const std::filesystem::path& path, const std::filesystem::path& log);

// `git worktree move <from> <to>`, run from `repo_root`: one rename, and
// the registration updated. Output goes to `log`; a failure throws Error.
void move_worktree(const std::filesystem::path& repo_root, const std::filesystem::path& from,
                   const std::filesystem::path& to, const std::filesystem::path& log);

// The admin folder the `.git` file of the worktree at `path` names, if it
// names one.
std::optional<std::filesystem::path> admin_dir_of(const std::filesystem::path& path);

// `git worktree repair <path>`: the registration of a worktree whose folder
// was moved (a `git worktree move` killed between its rename and its
// update) points at it again.
void repair_worktree(const std::filesystem::path& repo_root, const std::filesystem::path& path,
                     const std::filesystem::path& log);

// Switches a checked-out worktree to `branch` incrementally: what is not
// tracked goes (ignored files too, as if the worktree were new), HEAD names
// the branch, and `git reset --hard` writes only the files that differ.
// `ignored`, when given, is what `git status --ignored` found untracked
// there just before (ignored entries only): those are deleted, and `git
// clean` need not look through the worktree again.
// Throws Error on a failure; run again, it finishes what a kill left.
void switch_worktree(const std::filesystem::path& path, std::string_view branch,
                     const std::filesystem::path& log, const std::vector<std::string>* ignored = nullptr);

// Quotes `s` for /bin/sh.
std::string shell_quote(std::string_view s);

// The variables an outer git running us (a hook, an alias) may have set to
// point at its own repository: GIT_DIR and friends. Removed from the
// environment of every git and setup command we start.
const std::vector<std::string>& outer_git_variables();

// How to run `git ARGS...` in `cwd`: the git program itself, no shell, without
// outer_git_variables(), so nothing redirects it to another repository.
util::ProcessOptions git_process(const std::vector<std::string>& args, const std::filesystem::path& cwd);

} // namespace wave::git
