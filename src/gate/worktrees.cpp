#include "gate/worktrees.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/handle.hpp"
#include "git/repo.hpp"
#include "git/worktree.hpp"

#include <fmt/format.h>

namespace wave::gate {

namespace {

using WorktreeHandle = std::unique_ptr<git_worktree, git::Free<git_worktree_free>>;

std::optional<std::string> head_branch(git_repository* repo) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, "HEAD") < 0) {
    git_error_clear();
    return std::nullopt;
  }
  const git::Reference head(raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) {
    return std::nullopt;
  }
  return std::string(git_reference_symbolic_target(head.get()));
}

} // namespace

std::optional<std::filesystem::path> worktree_of_branch(git_repository* repo, const std::string& branch) {
  git_repository* raw_main = nullptr;
  git::check(git_repository_open(&raw_main, git::common_dir(repo).c_str()),
             "cannot open the main repository");
  const git::Repo main(raw_main);
  if (git_repository_is_bare(main.get()) == 0 && head_branch(main.get()) == branch) {
    return git::workdir(main.get());
  }
  for (const auto& w : git::linked_worktrees(main.get())) {
    if (w.present && w.head == branch) {
      return w.path;
    }
  }
  return std::nullopt;
}

void prune_worktree(git_repository* repo, const std::filesystem::path& path) {
  const auto w = git::find_worktree(git::linked_worktrees(repo), path);
  // The files first, the registration last: a kill in between leaves a
  // worktree git still knows, which the next removal finishes. (libgit2's
  // own order, registration first, left a folder nothing tied to the
  // repository any more, which nobody may then delete.)
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::filesystem::remove_all(path, ec);
    if (ec) {
      throw Error(fmt::format("cannot remove '{}': {}", path.string(), ec.message()));
    }
  }
  if (w) {
    git_worktree* raw = nullptr;
    git::check(git_worktree_lookup(&raw, repo, w->name.c_str()),
               fmt::format("cannot read worktree '{}'", w->name));
    const WorktreeHandle wt(raw);
    git_worktree_prune_options opts = GIT_WORKTREE_PRUNE_OPTIONS_INIT;
    opts.flags = GIT_WORKTREE_PRUNE_VALID | GIT_WORKTREE_PRUNE_LOCKED;
    git::check(git_worktree_prune(wt.get(), &opts),
               fmt::format("cannot remove worktree '{}'", path.string()));
  }
}

std::filesystem::path scratch_dir(git_repository* repo, const std::string& run) {
  return git::common_dir(repo) / "wave" / run / "scratch";
}

std::filesystem::path agent_scratch_dir(git_repository* repo, const std::string& run,
                                        const std::string& agent) {
  return git::common_dir(repo) / "wave" / run / "scratch-agents" / agent;
}

} // namespace wave::gate
