#include "flow/abort.hpp"

#include "core/error.hpp"
#include "git/cli.hpp"
#include "gate/lead_commit.hpp"
#include "gate/record.hpp"
#include "gate/worktrees.hpp"
#include "git/check.hpp"
#include "git/handle.hpp"
#include "git/repo.hpp"
#include "git/worktree.hpp"
#include "run/branch.hpp"
#include "run/store.hpp"

#include <fmt/format.h>

#include <optional>

namespace wave::flow {

namespace fs = std::filesystem;

namespace {

std::string branch_of(const std::string& run, const run::AgentRun& a) {
  return a.branch.empty() ? run::agent_branch(run, a.name) : a.branch;
}

} // namespace

AbortOutcome abort_wave(git_repository* repo, const std::string& run, const run::WaveId& id) {
  const std::string& label = id.label;
  auto stored = run::load(repo, run);
  if (!stored) {
    throw Error(fmt::format("no run named '{}'", run));
  }
  const run::WaveRun* w = id.find(stored->state);
  if (w == nullptr || w->status == run::WaveStatus::aborted) {
    throw Error(fmt::format("wave {} of run '{}' is not started", label, run));
  }
  if (w->status == run::WaveStatus::merged) {
    throw Error(fmt::format("wave {} of run '{}' is merged: it cannot be aborted", label, run),
                exit_code::fatal,
                {"revert its merges on the integration branch with 'git revert -m 1 <merge>' if you must"});
  }

  // Everything to keep, read (and uncommitted work committed aside) before
  // anything is removed; a worktree that cannot be saved stops the abort here.
  AbortOutcome out;
  std::vector<ArchiveEntry> entries;
  std::vector<std::optional<git_oid>> tips;
  for (const auto& a : w->agents) {
    const std::string ref = "refs/heads/" + branch_of(run, a);
    const auto tip = git::resolve_commit(repo, ref);
    tips.push_back(tip);
    std::optional<git_oid> keep = tip;
    if (tip && !a.worktree.empty() && fs::exists(a.worktree)) {
      auto snap = gate::WorktreeSnapshot::take(a.worktree, ref);
      if (snap) {
        keep =
            snap->write_commit(fmt::format("uncommitted work of {} when wave {} was aborted", a.name, label));
        out.saved.push_back(a.name);
      }
    }
    if (keep) {
      entries.push_back({a.name, *keep});
    }
  }
  out.archive =
      archive(repo, run, label, git::oid_from(w->base), entries, fmt::format("abort wave {}", label));

  const auto registered = git::linked_worktrees(repo);
  for (std::size_t i = 0; i < w->agents.size(); ++i) {
    const auto& a = w->agents[i];
    if (!a.worktree.empty() && git::find_worktree(registered, a.worktree)) {
      const auto rm =
          git::run_git(git::common_dir(repo), {"worktree", "remove", "--force", "--force", a.worktree});
      if (rm.ok()) {
        out.done.push_back(fmt::format("removed worktree '{}'", a.worktree));
      } else {
        out.kept.push_back(fmt::format("worktree '{}': {}", a.worktree, rm.output));
      }
    }
    if (!tips[i]) {
      continue;
    }
    const std::string ref_name = "refs/heads/" + branch_of(run, a);
    git_reference* raw = nullptr;
    if (git_reference_lookup(&raw, repo, ref_name.c_str()) != 0) {
      git_error_clear();
      continue;
    }
    const git::Reference ref(raw);
    const git_oid* now = git_reference_target(ref.get());
    if (now == nullptr || git_oid_equal(now, &*tips[i]) == 0) {
      out.kept.push_back(fmt::format("branch '{}': it moved during the abort", branch_of(run, a)));
    } else if (git_reference_delete(ref.get()) == 0) {
      out.done.push_back(
          fmt::format("deleted branch '{}' (was {})", branch_of(run, a), git::short_oid(*tips[i])));
    } else {
      out.kept.push_back(
          fmt::format("branch '{}': {}", branch_of(run, a),
                      git_error_last() != nullptr ? git_error_last()->message : "cannot delete"));
      git_error_clear();
    }
  }
  gate::prune_worktree(repo, gate::scratch_dir(repo, run));
  {
    const std::string cand = gate::candidate_ref(run, label);
    git_reference* raw = nullptr;
    if (git_reference_lookup(&raw, repo, cand.c_str()) == 0) {
      const git::Reference ref(raw);
      git_reference_delete(ref.get());
    }
    git_error_clear();
  }

  for (int attempt = 0;; ++attempt) {
    auto now = run::load(repo, run);
    run::WaveRun* target = now ? id.find(now->state) : nullptr;
    if (target == nullptr) {
      throw Error(fmt::format("wave {} of run '{}' disappeared from the run state", label, run));
    }
    target->status = run::WaveStatus::aborted;
    if (!out.archive.ref.empty()) {
      target->archive = out.archive.ref;
    }
    try {
      run::save(repo, run, now->state, now->plan_text, fmt::format("abort wave {}", label), now->commit);
      break;
    } catch (const run::Conflict&) {
      if (attempt >= 4) {
        throw;
      }
    }
  }
  return out;
}

} // namespace wave::flow
