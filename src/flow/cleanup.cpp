#include "flow/cleanup.hpp"

#include "flow/trash.hpp"
#include "gate/gate_lock.hpp"
#include "gate/record.hpp"
#include "gate/worktrees.hpp"
#include "git/check.hpp"
#include "git/cli.hpp"
#include "git/handle.hpp"
#include "git/repo.hpp"
#include "git/worktree.hpp"
#include "util/parallel.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::flow {

namespace fs = std::filesystem;

namespace {

// A worktree whose folder may be moved aside: not locked by `git worktree
// lock`, without submodules (whose repositories git keeps inside them).
// The others go through `git worktree remove`, which refuses or handles them.
bool movable(git_repository* repo, const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path / ".gitmodules", ec)) {
    return false;
  }
  const auto w = git::find_worktree(git::linked_worktrees(repo), path);
  return w && !fs::exists(w->admin_dir / "locked", ec);
}

bool clean(const fs::path& path) {
  const auto st =
      git::run_git(path, {"--no-optional-locks", "status", "--porcelain", "--ignore-submodules=none"});
  return st.ok() && util::trim(st.output).empty();
}

// The same check, listing what git ignores there (nullopt: not clean).
std::optional<std::vector<std::string>> clean_but_ignored(const fs::path& path) {
  const auto st = git::run_git_stdout(
      path, {"--no-optional-locks", "status", "--porcelain", "-z", "--ignored", "--ignore-submodules=none"});
  if (!st.ok()) {
    return std::nullopt;
  }
  std::vector<std::string> ignored;
  for (const auto& entry : util::split(st.output, '\0')) {
    if (entry.empty()) {
      continue;
    }
    if (!util::starts_with(entry, "!! ") || entry.size() == 3) {
      return std::nullopt;
    }
    ignored.push_back(entry.substr(3));
  }
  return ignored;
}

} // namespace

std::vector<char> worktrees_clean(const std::vector<fs::path>& paths) {
  std::vector<char> out(paths.size(), 0);
  util::parallel_for(paths.size(), util::cores(),
                     [&](std::size_t i) { out[i] = !paths[i].empty() && clean(paths[i]) ? 1 : 0; });
  return out;
}

bool remove_agent_worktree(git_repository* repo, const fs::path& path, const std::string& agent, bool force,
                           Cleanup& out, std::optional<bool> known_clean) {
  if (path.empty()) {
    return true;
  }
  std::error_code ec;
  const bool registered = git::find_worktree(git::linked_worktrees(repo), path).has_value();
  const bool exists = fs::exists(path, ec);
  if (!registered && !exists) {
    return true;
  }
  if (registered && exists && fs::exists(path / ".git", ec) && movable(repo, path)) {
    // What `git worktree remove` checks, then its files moved aside at once
    // and deleted in the background, its registration removed here. (When
    // it has changes, `git worktree remove` below says so.)
    if ((force || known_clean.value_or(false) || (!known_clean && clean(path))) &&
        move_to_trash(repo, path)) {
      try {
        gate::prune_worktree(repo, path);
      } catch (const Error& e) {
        out.kept.push_back(fmt::format("worktree '{}' of '{}': {}", path.string(), agent, e.what()));
        return false;
      }
      out.done.push_back(fmt::format("removed worktree '{}'", path.string()));
      return true;
    }
  }
  if (registered && exists && fs::exists(path / ".git", ec)) {
    // Without --force, git refuses a worktree with changes or untracked
    // files itself (one scan of the tree, not two).
    std::vector<std::string> args{"worktree", "remove"};
    if (force) {
      args.insert(args.end(), {"--force", "--force"});
    }
    args.push_back(path.string());
    const auto rm = git::run_git(git::common_dir(repo), args);
    if (rm.ok()) {
      out.done.push_back(fmt::format("removed worktree '{}'", path.string()));
      return true;
    }
    if (fs::exists(path / ".git", ec)) {
      out.kept.push_back(
          rm.output.find("contains modified or untracked files") != std::string::npos
              ? fmt::format("worktree '{}' of '{}': it has uncommitted changes", path.string(), agent)
              : fmt::format("worktree '{}' of '{}': {}", path.string(), agent, rm.output));
      return false;
    }
    // git stopped half way: finish below.
  } else if (!registered) {
    // A folder git does not know as a worktree of this repository: no
    // removal of ours leaves one (files go before the registration), so it
    // is not ours to delete, whatever the run's state says is there.
    out.kept.push_back(fmt::format("'{}': it is not a worktree of this repository", path.string()));
    return false;
  }
  // Half removed by a killed git worktree remove: its files partly gone, its
  // .git file or its registration too. What is left goes the same way.
  try {
    gate::prune_worktree(repo, path);
  } catch (const Error& e) {
    out.kept.push_back(fmt::format("worktree '{}' of '{}': {}", path.string(), agent, e.what()));
    return false;
  }
  out.done.push_back(fmt::format("removed what was left of worktree '{}'", path.string()));
  return true;
}

bool park_agent_worktree(git_repository* repo, const fs::path& path, const std::string& agent,
                         const git_oid& tip, Cleanup& out, std::optional<bool> known_clean) {
  std::error_code ec;
  const auto w = path.empty() ? std::nullopt : git::find_worktree(git::linked_worktrees(repo), path);
  if (!w || !w->present || !w->checked_out || w->initializing || !movable(repo, path)) {
    return remove_agent_worktree(repo, path, agent, false, out, known_clean);
  }
  if (!util::starts_with(w->head, "refs/")) {
    return true; // parked already
  }
  if (const auto at = git::resolve_commit(repo, w->head); !at || git_oid_equal(&*at, &tip) == 0) {
    // Not at the agent's tip (a person switched it to a branch of theirs):
    // not kept for another agent; removed as before, when it is clean.
    return remove_agent_worktree(repo, path, agent, false, out, known_clean);
  }
  if (!(known_clean ? *known_clean : clean(path))) {
    out.kept.push_back(
        fmt::format("worktree '{}' of '{}': it has uncommitted changes", path.string(), agent));
    return false;
  }
  const auto detach = git::run_git(path, {"update-ref", "--no-deref", "-m",
                                          "git wave: parked for the next wave", "HEAD", git::oid_str(tip)});
  if (!detach.ok()) {
    out.kept.push_back(
        fmt::format("worktree '{}' of '{}': {}", path.string(), agent, util::trim(detach.output)));
    return false;
  }
  out.done.push_back(fmt::format("kept worktree '{}' for the next wave", path.string()));
  return true;
}

namespace {

// The registered worktrees of the agents of the run's merged waves, each once.
std::vector<git::LinkedWorktree> merged_agents_worktrees(git_repository* repo, const run::State& state) {
  const auto linked = git::linked_worktrees(repo);
  std::vector<git::LinkedWorktree> out;
  for (const auto& wave : state.waves) {
    if (wave.status != run::WaveStatus::merged) {
      continue;
    }
    for (const auto& a : wave.agents) {
      auto w = a.worktree.empty() ? std::nullopt : git::find_worktree(linked, a.worktree);
      if (w && std::none_of(out.begin(), out.end(), [&](const auto& o) { return o.path == w->path; })) {
        out.push_back(std::move(*w));
      }
    }
  }
  return out;
}

} // namespace

std::vector<Parked> parked_worktrees(git_repository* repo, const run::State& state, const git_oid& tip) {
  std::vector<fs::path> out;
  for (const auto& w : merged_agents_worktrees(repo, state)) {
    if (!w.present || !w.checked_out || w.initializing || util::starts_with(w.head, "refs/") ||
        !movable(repo, w.path)) {
      continue;
    }
    const auto head = git::parse_oid(w.head);
    if (!head || (git_oid_equal(&*head, &tip) == 0 && git_graph_descendant_of(repo, &tip, &*head) != 1)) {
      git_error_clear();
      continue; // commits of a person's there, which a switch would leave behind
    }
    out.push_back(w.path);
  }
  std::vector<std::optional<std::vector<std::string>>> seen(out.size());
  util::parallel_for(out.size(), util::cores(), [&](std::size_t i) { seen[i] = clean_but_ignored(out[i]); });
  std::vector<Parked> parked;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (seen[i]) {
      parked.push_back({out[i], std::move(*seen[i])});
    }
  }
  return parked;
}

std::vector<fs::path> vanished_worktrees(git_repository* repo, const run::State& state) {
  std::vector<fs::path> out;
  for (const auto& w : merged_agents_worktrees(repo, state)) {
    std::error_code ec;
    if (!w.present && !fs::exists(w.path, ec)) {
      out.push_back(w.path);
    }
  }
  return out;
}

void delete_branch(git_repository* repo, const std::string& branch, const git_oid& expected, Cleanup& out) {
  git_reference* raw = nullptr;
  const std::string ref_name = "refs/heads/" + branch;
  if (git_reference_lookup(&raw, repo, ref_name.c_str()) != 0) {
    git_error_clear();
    return;
  }
  const git::Reference ref(raw);
  const git_oid* now = git_reference_target(ref.get());
  if (now == nullptr || git_oid_equal(now, &expected) == 0) {
    out.kept.push_back(fmt::format("branch '{}': it moved (it is at {}, not {})", branch,
                                   now != nullptr ? git::short_oid(*now) : std::string("?"),
                                   git::short_oid(expected)));
    return;
  }
  if (git_reference_delete(ref.get()) == 0) {
    out.done.push_back(fmt::format("deleted branch '{}' (was {})", branch, git::short_oid(expected)));
  } else {
    out.kept.push_back(
        fmt::format("branch '{}': {}", branch,
                    git_error_last() != nullptr ? git_error_last()->message : "cannot delete"));
    git_error_clear();
  }
}

void drop_scratch(git_repository* repo, const std::string& run) {
  gate::stop_gates(repo, run); // what a killed gate left running there first
  // Files aside first (deleted in the background), then the registration.
  const fs::path scratch = gate::scratch_dir(repo, run);
  move_to_trash(repo, scratch);
  gate::prune_worktree(repo, scratch);
  std::error_code ec;
  const fs::path agents = gate::agent_scratch_dir(repo, run, "").parent_path();
  for (const auto& entry : fs::directory_iterator(agents, ec)) {
    move_to_trash(repo, entry.path());
    gate::prune_worktree(repo, entry.path());
  }
  fs::remove(agents, ec);
  empty_trash(repo);
}

void drop_candidate(git_repository* repo, const std::string& run, const std::string& label) {
  const std::string cand = gate::candidate_ref(run, label);
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, cand.c_str()) == 0) {
    const git::Reference ref(raw);
    git_reference_delete(ref.get());
  }
  git_error_clear();
}

} // namespace wave::flow
