#include "runner/decide.hpp"

#include "core/error.hpp"
#include "gate/audit.hpp"
#include "git/check.hpp"
#include "git/cli.hpp"
#include "git/identity.hpp"
#include "git/repo.hpp"
#include "git/worktree.hpp"
#include "plan/ownership.hpp"
#include "run/branch.hpp"
#include "run/decisions.hpp"
#include "run/store.hpp"
#include "run/wave_id.hpp"
#include "runner/attempt.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <unistd.h>

namespace wave::flow {

namespace fs = std::filesystem;

namespace {

std::string_view verb(run::ActionKind k) {
  switch (k) {
  case run::ActionKind::accept:
    return "accepted";
  case run::ActionKind::skip:
    return "skipped";
  case run::ActionKind::relaunch:
    return "relaunched";
  }
  return "";
}

// Refuses while an attempt of `agent` still runs (it holds the agent lock).
void require_idle(git_repository* repo, const std::string& run, const std::string& agent) {
  const int fd = take_agent_lock(agent_lock_path(repo, run, agent));
  if (fd < 0) {
    throw Error(fmt::format("an attempt of '{}' is still running", agent), exit_code::fatal,
                {fmt::format("wait for it to end ('git wave logs -f {}'), or stop it, then decide", agent)});
  }
  ::close(fd);
}

// What a wave entry says of the agent: the latest entry not aborted that
// has it, its status.
const run::WaveRun* wave_with(const run::State& state, const std::string& agent) {
  const auto found = state.find_agent(agent);
  return found ? found->first : nullptr;
}

std::string dirty_worktree(const std::string& worktree) {
  if (worktree.empty() || !fs::is_directory(worktree)) {
    return {};
  }
  const auto status = git::run_git(worktree, {"--no-optional-locks", "status", "--porcelain"});
  return status.ok() ? status.output : std::string();
}

} // namespace

Decided decide(const DecideInput& in) {
  const plan::Plan& plan = *in.plan;
  auto stored = run::load(in.repo, in.run);
  if (!stored) {
    throw Error(fmt::format("run '{}' has not started", in.run));
  }
  const run::State& state = stored->state;
  Decided out;
  run::Action& action = out.action;
  action.kind = in.kind;
  action.agent = in.agent;
  action.reason = in.reason;
  action.by = git::committer(git_repository_commondir(in.repo));
  action.at = run::now_text();

  const auto skipped = run::skipped_agents(state, plan);
  if (const auto it = skipped.find(in.agent); it != skipped.end()) {
    if (in.kind == run::ActionKind::skip) {
      out.already = true;
      if (const run::Action* last = run::last_action(state, in.agent)) {
        out.action = *last;
      }
      return out;
    }
    throw Error(fmt::format("agent '{}' is out of the run: {}", in.agent, it->second), exit_code::fatal,
                {"a skip is final for the run; to do the task, start a new run"});
  }

  const run::WaveRun* w = wave_with(state, in.agent);
  const run::WaveRun* current = state.current();
  if (w != nullptr && w->status == run::WaveStatus::merged) {
    throw Error(fmt::format("agent '{}' is already merged with wave {}", in.agent, w->label),
                exit_code::fatal, {"a decision is about an agent whose wave has not landed yet"});
  }
  if (w == nullptr || w != current) {
    if (in.kind != run::ActionKind::skip) {
      throw Error(fmt::format("agent '{}' has not started: its wave is not the run's current one", in.agent),
                  exit_code::fatal,
                  {"accept and relaunch are for agents of the wave in progress; 'git wave skip' can leave a "
                   "later agent out"});
    }
  } else {
    action.wave = w->label;
    action.wave_started_at = w->started_at;
  }

  const run::AgentRun* record = w != nullptr && w == current ? w->find(in.agent) : nullptr;
  if (record != nullptr) {
    require_idle(in.repo, in.run, in.agent);
    const auto standing = run::standing_of(state, *w, in.agent);
    action.after_attempt = standing.last != nullptr ? standing.last->number : 0;
    const std::string branch = run::branch_of(in.run, *record);
    const auto tip = git::resolve_commit(in.repo, "refs/heads/" + branch);
    if (tip) {
      action.tip = git::oid_str(*tip);
    }
    if (in.kind == run::ActionKind::accept) {
      if (!tip) {
        throw Error(fmt::format("the branch '{}' of '{}' is gone", branch, in.agent), exit_code::fatal,
                    {"'git wave start' makes it again"});
      }
      if (standing.standing == run::Standing::accepted && standing.action->tip == action.tip) {
        out.already = true;
        out.action = *standing.action;
        return out;
      }
      const auto index = plan.find(in.agent);
      const plan::Ownership ownership(plan);
      const git_oid base = git::oid_from(record->base.empty() ? w->base : record->base);
      auto findings = gate::audit(plan, ownership, *index, gate::branch_paths(in.repo, *tip, base));
      gate::take_restored(in.repo, {base}, *tip, findings);
      if (!findings.empty()) {
        std::vector<std::string> hints;
        for (std::size_t i = 0; i < findings.size() && i < util::max_listed; ++i) {
          hints.push_back(findings[i].describe());
        }
        if (findings.size() > util::max_listed) {
          hints.push_back(util::and_more(findings.size() - util::max_listed));
        }
        hints.push_back(fmt::format("'git wave repair {}' drops those changes; then accept it", in.agent));
        throw Error(fmt::format("refusing to accept '{}': its branch touches {} file{} it does not own",
                                in.agent, findings.size(), findings.size() == 1 ? "" : "s"),
                    exit_code::fatal, std::move(hints));
      }
      if (!dirty_worktree(record->worktree).empty()) {
        out.notes.push_back(fmt::format(
            "its worktree '{}' has uncommitted changes: they are not part of what is accepted; commit them "
            "first to include them",
            record->worktree));
      }
    } else if (in.kind == run::ActionKind::relaunch) {
      if (standing.standing == run::Standing::relaunch) {
        out.already = true;
        out.action = *standing.action;
        return out;
      }
    } else {
      action.branch = branch;
      action.worktree = record->worktree;
      if (w->status == run::WaveStatus::gated || w->status == run::WaveStatus::failed) {
        out.notes.push_back(fmt::format("wave {} is to be gated again without '{}'", w->label, in.agent));
      }
    }
  }
  if (in.kind == run::ActionKind::skip) {
    run::State probe = state;
    probe.actions.push_back(action);
    for (const auto& [name, why] : run::skipped_agents(probe, plan)) {
      if (name != in.agent && skipped.count(name) == 0) {
        out.skipped.push_back(fmt::format("'{}' ({})", name, why));
      }
    }
  }

  const std::string message = fmt::format("{} {}", verb(in.kind), in.agent);
  run::update(in.repo, in.run, message, [&](run::State& s) {
    if (in.kind == run::ActionKind::skip && record != nullptr) {
      run::WaveRun* cur = s.current();
      if (cur == nullptr || cur->label != w->label || cur->started_at != w->started_at) {
        throw run::Conflict(in.run);
      }
      std::erase_if(cur->agents, [&](const run::AgentRun& a) { return a.name == in.agent; });
      if (cur->status == run::WaveStatus::gated || cur->status == run::WaveStatus::failed) {
        cur->status = run::WaveStatus::started;
      }
    }
    s.actions.push_back(action);
    return true;
  });
  return out;
}

} // namespace wave::flow
