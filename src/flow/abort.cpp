#include "flow/abort.hpp"

#include "core/error.hpp"
#include "flow/cleanup.hpp"
#include "gate/lead_commit.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "run/branch.hpp"
#include "run/store.hpp"

#include <fmt/format.h>

#include <optional>

namespace wave::flow {

namespace fs = std::filesystem;

namespace {

const run::IntentAgent* intent_of(const run::Intent& intent, const std::string& agent) {
  for (const auto& a : intent.agents) {
    if (a.name == agent) {
      return &a;
    }
  }
  return nullptr;
}

// What the abort keeps of each agent, read (uncommitted work committed
// aside, objects only) before anything is removed; a worktree whose work
// cannot be saved stops the abort here, with nothing changed.
run::Intent plan_abort(git_repository* repo, const std::string& run, const run::WaveRun& w,
                       std::vector<std::string>& saved) {
  run::Intent intent;
  intent.kind = run::IntentKind::abort;
  intent.started_at = run::now_text();
  intent.command = "git wave abort";
  intent.archive = next_archive_ref(repo, run, w.label);
  for (const auto& a : w.agents) {
    const std::string ref = "refs/heads/" + run::branch_of(run, a);
    const auto tip = git::resolve_commit(repo, ref);
    run::IntentAgent entry{a.name, tip ? git::oid_str(*tip) : std::string(), "", ""};
    std::error_code ec;
    if (tip && !a.worktree.empty() && fs::exists(fs::path(a.worktree) / ".git", ec)) {
      if (auto snap = gate::WorktreeSnapshot::take(a.worktree, ref)) {
        entry.to = git::oid_str(snap->write_commit(
            fmt::format("uncommitted work of {} when wave {} was aborted", a.name, w.label)));
        saved.push_back(a.name);
      }
    }
    if (entry.to.empty()) {
      entry.to = entry.from;
    }
    intent.agents.push_back(std::move(entry));
  }
  return intent;
}

// Is the worktree of `a` still as the abort found it (nothing new since the
// intent was recorded, by an agent still at work after a kill)?
bool unchanged_since(git_repository* repo, const run::AgentRun& a, const std::string& branch,
                     const run::IntentAgent& recorded) {
  std::error_code ec;
  if (a.worktree.empty() || !fs::exists(fs::path(a.worktree) / ".git", ec)) {
    return true;
  }
  if (recorded.to.empty()) {
    // Nothing was archived of it: only a worktree with nothing uncommitted
    // may go (an intent another machine recorded knows nothing of this
    // one's worktree).
    try {
      return !gate::WorktreeSnapshot::take(a.worktree, "refs/heads/" + branch);
    } catch (const Error&) {
      return false;
    }
  }
  try {
    const auto snap = gate::WorktreeSnapshot::take(a.worktree, "refs/heads/" + branch);
    const git::Commit kept = git::lookup_commit(repo, git::oid_from(recorded.to));
    const git_oid* kept_tree = git_commit_tree_id(kept.get());
    if (!snap) {
      const auto tip = git::resolve_commit(repo, "refs/heads/" + branch);
      if (!tip) {
        return false;
      }
      const git::Commit now = git::lookup_commit(repo, *tip);
      return git_oid_equal(git_commit_tree_id(now.get()), kept_tree) != 0;
    }
    return git_oid_equal(&snap->tree(), kept_tree) != 0;
  } catch (const Error&) {
    return false;
  }
}

} // namespace

AbortOutcome abort_wave(git_repository* repo, const std::string& run, const run::WaveId& id) {
  const std::string& label = id.label;
  auto stored = run::load(repo, run);
  if (!stored) {
    throw Error(fmt::format("no run named '{}'", run));
  }
  const run::WaveRun* found = id.find(stored->state);
  if (found == nullptr || found->status == run::WaveStatus::aborted) {
    throw Error(fmt::format("wave {} of run '{}' is not started", label, run));
  }
  const run::WaveRun w = *found;
  AbortOutcome out;
  run::Intent intent;
  if (w.intent && w.intent->kind == run::IntentKind::abort) {
    intent = *w.intent; // finishing an abort a kill interrupted
    out.resumed = true;
  } else {
    if (w.status == run::WaveStatus::merged) {
      throw Error(fmt::format("wave {} of run '{}' is merged: it cannot be aborted", label, run),
                  exit_code::fatal,
                  {"revert its merges on the integration branch with 'git revert -m 1 <merge>' if you must"});
    }
    intent = plan_abort(repo, run, w, out.saved);
    run::update(repo, run, fmt::format("abort wave {}: begun", label), [&](run::State& state) {
      run::WaveRun* target = id.find(state);
      if (target == nullptr) {
        throw Error(fmt::format("wave {} of run '{}' disappeared from the run state", label, run));
      }
      target->intent = intent;
      return true;
    });
  }

  std::vector<ArchiveEntry> entries;
  for (const auto& a : intent.agents) {
    if (!a.to.empty()) {
      entries.push_back({a.name, git::oid_from(a.to)});
    }
  }
  out.archive =
      archive(repo, intent.archive, run, git::oid_from(w.base), entries, fmt::format("abort wave {}", label));

  Cleanup c;
  for (const auto& a : w.agents) {
    const std::string branch = run::branch_of(run, a);
    const run::IntentAgent* recorded = intent_of(intent, a.name);
    if (recorded == nullptr) {
      continue;
    }
    if (!unchanged_since(repo, a, branch, *recorded)) {
      c.kept.push_back(fmt::format("worktree '{}' of '{}': it changed after the abort began; its new work "
                                   "is left there",
                                   a.worktree, a.name));
      continue;
    }
    if (!remove_agent_worktree(repo, a.worktree, a.name, true, c)) {
      c.kept.push_back(fmt::format("branch '{}': its worktree stays", branch));
      continue;
    }
    if (!recorded->from.empty()) {
      if (recorded->to.empty() && recorded->from != w.base) {
        // Commits of its own, and none of them archived: it stays.
        c.kept.push_back(fmt::format("branch '{}': its commits are in no archive", branch));
        continue;
      }
      delete_branch(repo, branch, git::oid_from(recorded->from), c);
    }
  }
  drop_candidate(repo, run, label);
  drop_scratch(repo, run);
  out.done = std::move(c.done);
  out.kept = std::move(c.kept);

  run::update(repo, run, fmt::format("abort wave {}", label), [&](run::State& state) {
    run::WaveRun* target = id.find(state);
    if (target == nullptr) {
      throw Error(fmt::format("wave {} of run '{}' disappeared from the run state", label, run));
    }
    target->status = run::WaveStatus::aborted;
    target->intent.reset();
    if (!out.archive.ref.empty()) {
      target->archive = out.archive.ref;
    }
    return true;
  });
  return out;
}

} // namespace wave::flow
