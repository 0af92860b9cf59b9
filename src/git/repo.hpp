#pragma once

#include "core/error.hpp"
#include "git/handle.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Small helpers over libgit2 used by many commands.
namespace wave::git {

// A repository libgit2 cannot read (SHA-256 object names): exit 128.
class UnsupportedRepository : public Error {
public:
  UnsupportedRepository(const std::string& what, std::vector<std::string> hints)
      : Error(what, exit_code::fatal, std::move(hints)) {}
};

// Refuses (Error naming the hint `git fetch --unshallow`) a shallow clone:
// libgit2 cannot walk past its boundary, and a run walks its history.
void require_full_history(git_repository* repo);

// The repository around the current directory, found the way git finds it
// (GIT_DIR, GIT_WORK_TREE and GIT_CEILING_DIRECTORIES included), or nullopt
// outside one.
std::optional<Repo> discover();

// discover(), or Error "not a git repository (or any of the parent directories)".
Repo open();

// The repository git runs a hook for: $GIT_DIR when git set it, else the one
// around the current directory (up to GIT_CEILING_DIRECTORIES); the same
// Error as open() outside one. Not
// with libgit2's GIT_REPOSITORY_OPEN_FROM_ENV: given GIT_INDEX_FILE (which
// `git commit` sets for its hooks) that loads the whole index up front, the
// very cost the hook avoids; staged_changes() reads GIT_INDEX_FILE itself.
Repo open_for_hook();

// Opens the repository containing `dir` (searching upwards from it), or Error.
Repo open(const std::filesystem::path& dir);
// The repository git's environment names (GIT_DIR, and GIT_OBJECT_DIRECTORY
// with GIT_ALTERNATE_OBJECT_DIRECTORIES: a pre-receive hook sees the pushed
// objects only through them, in quarantine), else the one around the
// current directory.
Repo open_from_env();

// Working tree root of `repo` (with trailing slash removed); throws for a bare repository.
std::filesystem::path workdir(git_repository* repo);

// The common git dir (shared by all worktrees), where refs and hooks live.
std::filesystem::path common_dir(git_repository* repo);

// The branch a full ref names: "main" for "refs/heads/main"; any other
// name as it is.
std::string_view branch_name(std::string_view ref);

// Short name of the branch HEAD points at ("main"), or nullopt when HEAD is
// detached. An unborn branch is reported by name.
std::optional<std::string> current_branch(git_repository* repo);

// The object id `refname` resolves to (peeled to a commit), or nullopt when
// the reference does not exist.
std::optional<git_oid> resolve_commit(git_repository* repo, std::string_view refname);

Commit lookup_commit(git_repository* repo, const git_oid& id);
Tree commit_tree(git_commit* commit);

// Contents of the blob at `path` in `tree`, or nullopt when there is none.
std::optional<std::string> read_file(git_repository* repo, git_tree* tree, std::string_view path);

// A configuration value (repository config including global/system), or nullopt.
std::optional<std::string> config_string(git_repository* repo, const char* key);

// Is `name` valid as one component of a branch name (wave/<run>/<agent>)?
bool valid_ref_component(std::string_view name);

} // namespace wave::git
