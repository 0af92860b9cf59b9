#include "flow/repair.hpp"

#include "core/error.hpp"
#include "flow/archive.hpp"
#include "flow/path_sync.hpp"
#include "flow/rewrite.hpp"
#include "gate/audit.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "git/worktree.hpp"
#include "run/branch.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <optional>

namespace wave::flow {

namespace fs = std::filesystem;

namespace {

std::string branch_ref(const std::string& run, const run::AgentRun& a) {
  return "refs/heads/" + run::branch_of(run, a);
}

// The agent's worktree when it has the agent's branch checked out, else
// nullopt (removed, or another branch there: its files are not the branch's).
std::optional<fs::path> worktree_on(const run::AgentRun& a, const std::string& ref) {
  std::error_code ec;
  if (a.worktree.empty() || !fs::exists(fs::path(a.worktree) / ".git", ec)) {
    return std::nullopt;
  }
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, a.worktree.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  const git::Repo wt(raw);
  git_reference* head = nullptr;
  if (git_reference_lookup(&head, wt.get(), "HEAD") != 0) {
    git_error_clear();
    return std::nullopt;
  }
  const git::Reference h(head);
  const char* target = git_reference_symbolic_target(h.get());
  if (target == nullptr || ref != target) {
    return std::nullopt;
  }
  return fs::path(a.worktree);
}

void set_intent(git_repository* repo, const std::string& run, const run::WaveId& id,
                const std::optional<run::Intent>& intent, const std::string& message) {
  run::update(repo, run, message, [&](run::State& state) {
    run::WaveRun* target = id.find(state);
    if (target == nullptr) {
      throw Error(fmt::format("wave {} of run '{}' disappeared from the run state", id.label, run));
    }
    target->intent = intent;
    return true;
  });
}

// The steps after the intent, each skipped when done: the archive, the
// worktree, the branch, then the intent is cleared.
RepairOutcome finish(git_repository* repo, const std::string& run, const run::WaveId& id,
                     const run::WaveRun& w, const run::Intent& intent, RepairOutcome out) {
  const run::IntentAgent& step = intent.agents.front();
  const run::AgentRun* a = w.find(step.name);
  if (a == nullptr) {
    throw Error(fmt::format("the repair of '{}' names an agent wave {} does not have", step.name, w.label));
  }
  out.agent = step.name;
  out.from = git::oid_from(step.from);
  out.to = git::oid_from(step.to);
  const std::string ref = branch_ref(run, *a);
  const git_oid base = git::oid_from(a->base.empty() ? w.base : a->base);
  out.archive = archive(repo, intent.archive, run, base, {{a->name, out.from}},
                        fmt::format("repair {} in wave {}", a->name, w.label))
                    .ref;

  const auto now = git::resolve_commit(repo, ref);
  if (now && git_oid_equal(&*now, &out.from) != 0) {
    bool blocked = false;
    if (const auto wt = worktree_on(*a, ref)) {
      PathSync sync(repo, *wt, out.from, out.to);
      if (const std::string why = sync.blocked(); !why.empty()) {
        out.note = fmt::format("the repair of '{}' was not finished: in its worktree '{}', {}; run 'git wave "
                               "repair {}' again",
                               a->name, wt->string(), why, a->name);
        blocked = true;
      } else {
        sync.apply();
        out.worktree_synced = true;
      }
    }
    if (!blocked) {
      git_reference* raw = nullptr;
      const std::string msg = fmt::format("git wave repair: {} without its foreign changes", a->name);
      const int rc =
          git_reference_create_matching(&raw, repo, ref.c_str(), &out.to, 1, &out.from, msg.c_str());
      if (rc == GIT_EMODIFIED) {
        git_error_clear();
        out.note = fmt::format("branch '{}' moved during the repair: left as it is", git::branch_name(ref));
      } else {
        git::check(rc, fmt::format("cannot move '{}'", git::branch_name(ref)));
        git_reference_free(raw);
      }
    }
  } else if (!now || git_oid_equal(&*now, &out.to) == 0) {
    out.note = fmt::format("branch '{}' {} since the repair began: left as it is", git::branch_name(ref),
                           now ? "moved" : "was deleted");
  }
  set_intent(repo, run, id, std::nullopt, fmt::format("repair {}: done", a->name));
  return out;
}

} // namespace

RepairOutcome repair_agent(git_repository* repo, const std::string& run, const run::WaveId& id,
                           const plan::Plan& plan, const plan::Ownership& ownership, const std::string& agent,
                           const std::string& message) {
  const auto stored = run::load(repo, run);
  if (!stored) {
    throw Error(fmt::format("no run named '{}'", run));
  }
  const run::WaveRun* found = id.find(stored->state);
  if (found == nullptr || found->status == run::WaveStatus::aborted) {
    throw Error(fmt::format("wave {} of run '{}' is not started", id.label, run));
  }
  const run::WaveRun w = *found;
  if (w.status == run::WaveStatus::merged) {
    throw Error(fmt::format("wave {} of run '{}' is merged: its branches cannot be repaired", w.label, run),
                exit_code::fatal,
                {"revert the change on the integration branch with 'git revert' if you must"});
  }
  const run::AgentRun* a = w.find(agent);
  const auto index = plan.find(agent);
  if (a == nullptr || !index) {
    throw Error(fmt::format("'{}' is not an agent of wave {} of run '{}'", agent, w.label, run));
  }
  const std::string ref = branch_ref(run, *a);
  const auto tip = git::resolve_commit(repo, ref);
  if (!tip) {
    throw Error(fmt::format("branch '{}' of agent '{}' does not exist", git::branch_name(ref), agent),
                exit_code::fatal, {"abort the wave with 'git wave abort' and start it again"});
  }
  const git_oid base = git::oid_from(a->base.empty() ? w.base : a->base);
  std::vector<git_oid> hide;
  if (const auto onto = git::resolve_commit(repo, "refs/heads/" + stored->state.integration)) {
    hide.push_back(*onto);
  }
  auto findings = gate::audit(plan, ownership, *index, gate::branch_paths(repo, *tip, base, hide));
  RepairOutcome out;
  out.agent = agent;
  out.from = *tip;
  out.to = *tip;
  for (const auto& f : findings) {
    out.paths.push_back(f.path);
  }
  if (out.paths.empty()) {
    return out;
  }
  const Rewritten rw = rewrite_without(repo, *tip, hide, base, out.paths);
  out.to = rw.tip;
  if (!message.empty() && git_oid_equal(&out.to, &base) == 0) {
    // The new tip, reworded: same tree, parents, author and committer.
    const git::Commit rewritten = git::lookup_commit(repo, out.to);
    const std::string text = message.back() == '\n' ? message : message + "\n";
    git_oid reworded;
    git::check(git_commit_amend(&reworded, rewritten.get(), nullptr, nullptr, nullptr, nullptr, text.c_str(),
                                nullptr),
               "cannot reword the repaired commit");
    out.to = reworded;
  }
  out.commits = rw.commits;
  out.dropped = rw.dropped;
  if (const auto wt = worktree_on(*a, ref)) {
    const PathSync sync(repo, *wt, out.from, out.to);
    if (const std::string why = sync.blocked(); !why.empty()) {
      throw Error(
          fmt::format("cannot repair '{}': in its worktree '{}', {}", agent, wt->string(), why),
          exit_code::fatal,
          {fmt::format("the repair puts {} back as at the wave's base; keep the changes aside with "
                       "'git -C {} stash', or drop them with 'git -C {} restore --staged --worktree -- "
                       "<path>', then run 'git wave repair {}' again",
                       sync.paths().size() == 1 ? "that file" : "those files", git::shell_quote(wt->string()),
                       git::shell_quote(wt->string()), agent),
           "nothing was changed"});
    }
  }
  run::Intent intent;
  intent.kind = run::IntentKind::repair;
  intent.started_at = run::now_text();
  intent.command = "git wave repair";
  intent.archive = next_archive_ref(repo, run, w.label);
  intent.agents.push_back({agent, git::oid_str(out.from), git::oid_str(out.to), ""});
  set_intent(repo, run, id, intent, fmt::format("repair {}: begun", agent));
  return finish(repo, run, id, w, intent, std::move(out));
}

RepairOutcome finish_repair(git_repository* repo, const std::string& run, const run::WaveId& id) {
  const auto stored = run::load(repo, run);
  const run::WaveRun* w = stored ? id.find(stored->state) : nullptr;
  if (w == nullptr || !w->intent || w->intent->kind != run::IntentKind::repair || w->intent->agents.empty()) {
    throw Error(fmt::format("wave {} of run '{}' has no repair to finish", id.label, run));
  }
  RepairOutcome out;
  out.resumed = true;
  const run::WaveRun copy = *w;
  return finish(repo, run, id, copy, *copy.intent, std::move(out));
}

} // namespace wave::flow
