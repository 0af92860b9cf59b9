#include "remote/publish.hpp"

#include "core/error.hpp"
#include "flow/remote_refs.hpp"
#include "gate/record.hpp"
#include "git/check.hpp"
#include "git/remote.hpp"
#include "git/repo.hpp"
#include "remote/verify_state.hpp"
#include "run/branch.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

// What a run kept on a remote sends there (remote/publish.hpp).
namespace wave::flow {

using refs::archived;
using refs::contains;
using refs::refs_matching;
using refs::same;

Published publish(git_repository* repo, RemoteRun& rr) {
  const auto stored = run::load(repo, rr.run);
  if (!stored) {
    return {};
  }
  const run::State& state = stored->state;
  std::vector<std::string> specs;
  std::vector<std::string> leases;
  // One update of `ref` (`spec`), leased at `expect` (nullopt: must not
  // exist there); a ref is never given twice.
  std::set<std::string> refs;
  auto update = [&](const std::string& spec, const std::string& ref, const std::optional<git_oid>& expect) {
    if (refs.insert(ref).second) {
      specs.push_back(spec);
      leases.push_back(ref + ":" + (expect ? git::oid_str(*expect) : std::string()));
    }
  };
  const std::string state_ref = run::state_ref(rr.run);
  if (!rr.state || !same(*rr.state, stored->commit)) {
    update(fmt::format("{}:{}", git::oid_str(stored->commit), state_ref), state_ref, rr.state);
  }
  std::vector<std::pair<std::string, git_oid>> created;
  std::vector<std::string> deleted;
  std::vector<std::pair<std::string, git_oid>> candidates;
  std::vector<std::string> candidates_gone;
  std::optional<git_oid> landed;
  std::set<std::string> live_agents; // of the waves not aborted: their branches are theirs
  for (const auto& w : state.waves) {
    if (w.status != run::WaveStatus::aborted) {
      for (const auto& a : w.agents) {
        live_agents.insert(a.name);
      }
    }
  }
  for (const auto& w : state.waves) {
    if (w.status == run::WaveStatus::aborted) {
      // The branches of an aborted wave go there too, when archived here.
      for (const auto& a : w.agents) {
        const auto there = rr.branches.find(a.name);
        if (live_agents.count(a.name) == 0 && there != rr.branches.end() &&
            std::find(deleted.begin(), deleted.end(), a.name) == deleted.end() &&
            (contains(repo, git::oid_from(w.base), there->second) || archived(repo, rr.run, there->second))) {
          const std::string ref = "refs/heads/" + run::agent_branch(rr.run, a.name);
          update(":" + ref, ref, there->second);
          deleted.push_back(a.name);
        }
      }
      continue;
    }
    // The candidate of the wave's last gate (the one the state names), so
    // that another machine has the commit it may land.
    const std::string cand_ref = gate::candidate_ref(rr.run, w.label);
    const auto cand_there = rr.candidates.find(w.label);
    const auto cand_lease =
        cand_there == rr.candidates.end() ? std::nullopt : std::optional<git_oid>(cand_there->second);
    if (w.status != run::WaveStatus::merged && w.gate && !w.gate->candidate.empty()) {
      const git_oid cand = git::oid_from(w.gate->candidate);
      git_commit* probe = nullptr;
      const bool here = git_commit_lookup(&probe, repo, &cand) == 0;
      git_commit_free(probe);
      git_error_clear();
      if (here && (!cand_lease || !same(*cand_lease, cand))) {
        update(fmt::format("+{}:{}", w.gate->candidate, cand_ref), cand_ref, cand_lease);
        candidates.emplace_back(w.label, cand);
      }
    }
    if (w.status != run::WaveStatus::merged) {
      // A wave just started: its branches, still at their base, go there;
      // so does the work done here (an agent's commits in its worktree
      // here, the lead's commit of its work): the remote holds what this
      // clone gates, for any machine to gate and merge. A branch rewritten
      // here (repair) replaces the remote's when an archive keeps what that
      // held (an abort's, a repair's).
      for (const auto& a : w.agents) {
        const std::string branch = run::branch_of(rr.run, a);
        const auto here = git::resolve_commit(repo, "refs/heads/" + branch);
        const auto there = rr.branches.find(a.name);
        if (!here) {
          continue;
        }
        if (there == rr.branches.end()) {
          if (git::oid_str(*here) == (a.base.empty() ? w.base : a.base)) {
            update(fmt::format("{}:refs/heads/{}", git::oid_str(*here), branch), "refs/heads/" + branch,
                   std::nullopt);
            created.emplace_back(a.name, *here);
          }
        } else if (!same(*here, there->second) &&
                   (contains(repo, *here, there->second)
                        ? w.status != run::WaveStatus::aborted ||
                              git::oid_str(*here) == (a.base.empty() ? w.base : a.base)
                        : archived(repo, rr.run, there->second))) {
          // (Ahead: work done here, or a branch left from an aborted wave
          // with nothing of its own, at an older base than this wave's.)
          update(fmt::format("+{}:refs/heads/{}", git::oid_str(*here), branch), "refs/heads/" + branch,
                 there->second);
          created.emplace_back(a.name, *here);
        }
      }
      continue;
    }
    if (!w.merged) {
      continue;
    }
    // A wave recorded as merged: the remote's integration branch holds it,
    // or moves to it in this very push (from the tip the gate tested), or
    // nothing is pushed at all: a state claiming a merge never goes out
    // without it.
    const bool pending = w.intent && w.intent->kind == run::IntentKind::merge;
    const git_oid from = git::oid_from(w.merged->from);
    const git_oid to = git::oid_from(w.merged->to);
    if (rr.integration_tip && !contains(repo, *rr.integration_tip, to)) {
      if (!same(*rr.integration_tip, from) || landed) {
        return {false, false,
                fmt::format("'{}' moved on '{}' since the gate of wave {}: it is {}, the gate tested {}",
                            rr.integration, rr.remote, w.label, git::short_oid(*rr.integration_tip),
                            git::short_oid(from))};
      }
      const std::string ref = "refs/heads/" + rr.integration;
      update(fmt::format("{}:{}", git::oid_str(to), ref), ref, rr.integration_tip);
      landed = to;
    }
    if (cand_lease) {
      update(":" + cand_ref, cand_ref, cand_lease);
      candidates_gone.push_back(w.label);
    }
    if (!w.gate) {
      continue;
    }
    for (const auto& [agent, tip] : w.gate->tips) {
      const auto there = rr.branches.find(agent);
      if (there == rr.branches.end()) {
        continue;
      }
      const std::string branch = run::agent_branch(rr.run, agent);
      const std::string ref = "refs/heads/" + branch;
      if (pending && w.intent->keep) {
        // Kept: still leased, so that a push since the gate stops the merge.
        if (same(git::oid_from(tip), there->second)) {
          update(fmt::format("{}:{}", tip, ref), ref, there->second);
        }
        continue;
      }
      // A merged branch goes once what it holds there is in the merge (or,
      // squashed, in an archive that goes in this push): never before.
      if (!contains(repo, git::oid_from(tip), there->second) ||
          !(contains(repo, to, there->second) || archived(repo, rr.run, there->second))) {
        continue;
      }
      if (pending || !git::resolve_commit(repo, ref)) {
        update(":" + ref, ref, there->second);
        deleted.push_back(agent);
      }
    }
  }
  std::vector<std::string> new_archives;
  for (const auto& [name, oid] : refs_matching(repo, fmt::format("refs/wave/{}/archive/*", rr.run))) {
    if (rr.archives.count(name) == 0) {
      update(fmt::format("{}:{}", git::oid_str(oid), name), name, std::nullopt);
      new_archives.push_back(name);
    }
  }
  if (specs.empty()) {
    return {};
  }
  const auto pushed = git::push(git::common_dir(repo), rr.remote, specs, leases);
  if (!pushed.ok) {
    return {false, false, pushed.why()};
  }
  rr.state = stored->commit;
  mark_seen(repo, rr.remote, rr.run, stored->commit);
  if (landed) {
    rr.integration_tip = landed;
  }
  for (const auto& [agent, oid] : created) {
    rr.branches[agent] = oid;
  }
  for (const auto& agent : deleted) {
    rr.branches.erase(agent);
  }
  rr.archives.insert(new_archives.begin(), new_archives.end());
  for (const auto& [label, oid] : candidates) {
    rr.candidates[label] = oid;
  }
  for (const auto& label : candidates_gone) {
    rr.candidates.erase(label);
  }
  return {true, true, {}};
}

// Lands the merge just recorded on the remote, in one atomic push; when the
// remote refuses, says what moved there since the gate.
void land(git_repository* repo, RemoteRun& rr, const run::WaveRun& w) {
  const auto published = publish(repo, rr);
  if (published.ok) {
    return;
  }
  rr = fetch_remote(repo, rr.remote, rr.run, rr.integration);
  // A push the server took though git here saw it fail (the connection
  // dropped after the update): the remote holds this very record.
  const auto mine = git::resolve_commit(repo, run::state_ref(rr.run));
  if (mine && rr.state && same(*mine, *rr.state)) {
    return;
  }
  std::vector<std::string> moved;
  if (w.gate && rr.integration_tip && git::oid_str(*rr.integration_tip) != w.gate->base) {
    moved.push_back(fmt::format("'{}' moved on '{}' since the gate: it is {}, the gate tested {}",
                                rr.integration, rr.remote, git::short_oid(*rr.integration_tip),
                                git::short_oid(w.gate->base)));
  }
  if (w.gate) {
    for (const auto& [agent, tip] : w.gate->tips) {
      const auto there = rr.branches.find(agent);
      if (there != rr.branches.end() && git::oid_str(there->second) != tip) {
        moved.push_back(fmt::format("branch '{}' moved on '{}' since the gate: it is {}, the gate tested {}",
                                    run::agent_branch(rr.run, agent), rr.remote,
                                    git::short_oid(there->second), git::short_oid(tip)));
      }
    }
  }
  if (moved.empty()) {
    moved.push_back(fmt::format("run '{}' changed on '{}' meanwhile (another machine)", rr.run, rr.remote));
  }
  std::vector<std::string> hints(moved.begin() + 1, moved.end());
  hints.push_back(fmt::format("git said: {}", published.output));
  hints.push_back("nothing was merged; run 'git wave gate' again to test what is there now, then merge");
  throw LandRefused(fmt::format("'{}' refused the merge of wave {}: {}", rr.remote, w.label, moved.front()),
                    exit_code::not_satisfied, std::move(hints));
}

std::optional<RemoteRun> remote_for_start(const StartPlace& place, const std::string& named) {
  std::string remote = named;
  if (remote.empty()) {
    remote = place.committed.plan.remote;
  }
  if (remote.empty()) {
    return std::nullopt;
  }
  RemoteRun out;
  out.remote = remote;
  out.run = place.run_name;
  out.integration = place.integration;
  return out;
}

bool publish_start(git_repository* repo, RemoteRun& remote) {
  const auto published = publish(repo, remote);
  if (!published.ok) {
    throw Error(fmt::format("'{}' refused the start of run '{}'", remote.remote, remote.run),
                exit_code::fatal,
                {fmt::format("git said: {}", published.output),
                 "the wave is started here; once the cause is fixed, 'git wave start' publishes it"});
  }
  return published.pushed;
}

} // namespace wave::flow
