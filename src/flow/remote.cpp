#include "flow/remote.hpp"

#include "core/error.hpp"
#include "gate/record.hpp"
#include "gate/worktrees.hpp"
#include "git/check.hpp"
#include "git/cli.hpp"
#include "git/handle.hpp"
#include "git/remote.hpp"
#include "git/repo.hpp"
#include "run/branch.hpp"
#include "run/lock.hpp"
#include "run/store.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wave::flow {

namespace fs = std::filesystem;

namespace {

std::string tracking_prefix(const std::string& remote, const std::string& run) {
  return fmt::format("refs/wave-remote/{}/{}/", remote, run);
}

std::string tracking_branches(const std::string& remote, const std::string& run) {
  return fmt::format("refs/remotes/{}/wave/{}/", remote, run);
}

bool same(const git_oid& a, const git_oid& b) {
  return git_oid_equal(&a, &b) != 0;
}

// Does `later` contain `earlier`?
bool contains(git_repository* repo, const git_oid& later, const git_oid& earlier) {
  return same(later, earlier) || git_graph_descendant_of(repo, &later, &earlier) == 1;
}

// The refs matching `glob`, name -> target.
std::map<std::string, git_oid> refs_matching(git_repository* repo, const std::string& glob) {
  std::map<std::string, git_oid> out;
  git_reference_iterator* raw = nullptr;
  git::check(git_reference_iterator_glob_new(&raw, repo, glob.c_str()), "cannot list references");
  git_reference* ref = nullptr;
  while (git_reference_next(&ref, raw) == 0) {
    if (const git_oid* target = git_reference_target(ref)) {
      out.emplace(git_reference_name(ref), *target);
    }
    git_reference_free(ref);
  }
  git_reference_iterator_free(raw);
  return out;
}

// Moves `ref` to `to` only if it is at `from` (or, with none, creates it).
// A lock this very update left when it was killed (it holds `to`, or it is
// spent) is cleared first: the caller holds the run lock.
void set_ref(git_repository* repo, const std::string& ref, const git_oid& to,
             const std::optional<git_oid>& from, const std::string& message) {
  const auto lock = run::ref_lock_path(repo, ref);
  std::error_code ec;
  if (fs::exists(lock, ec)) {
    const auto held = util::read_file(lock);
    if (run::is_spent_lock(git::common_dir(repo) / ref, lock) ||
        (held && !held->empty() && (git::oid_str(to) + "\n").rfind(*held, 0) == 0)) {
      fs::remove(lock, ec);
    }
  }
  git_reference* raw = nullptr;
  const int rc = from
                     ? git_reference_create_matching(&raw, repo, ref.c_str(), &to, 1, &*from, message.c_str())
                     : git_reference_create(&raw, repo, ref.c_str(), &to, 0, message.c_str());
  git::check(rc, fmt::format("cannot update '{}'", ref));
  git_reference_free(raw);
}

// Fast-forwards branch `ref` from `from` to `to`; where it is checked out
// the worktree follows (git refuses when local changes are in the way).
// Returns why it could not, or nothing.
std::optional<std::string> fast_forward(git_repository* repo, const std::string& ref, const git_oid& from,
                                        const git_oid& to, const std::string& why) {
  if (const auto wt = gate::worktree_of_branch(repo, ref)) {
    const auto r = git::run_git(*wt, {"merge", "--ff-only", "--no-autostash", "--quiet", git::oid_str(to)});
    if (!r.ok()) {
      return fmt::format("its worktree '{}' cannot take the commits: {}", wt->string(), util::trim(r.output));
    }
    return std::nullopt;
  }
  set_ref(repo, ref, to, from, why);
  return std::nullopt;
}

// Does an archive of the run here keep `oid` (an abort or a repair put the
// branch's commits there)? Then a remote branch at `oid` can be replaced or
// deleted without losing anything.
bool archived(git_repository* repo, const std::string& run, const git_oid& oid) {
  for (const auto& [name, tip] : refs_matching(repo, fmt::format("refs/wave/{}/archive/*", run))) {
    if (contains(repo, tip, oid)) {
      return true;
    }
  }
  return false;
}

std::string fetch_error(const std::string& remote, const std::string& integration,
                        const std::string& output) {
  return output.find("couldn't find remote ref refs/heads/" + integration) != std::string::npos
             ? fmt::format("'{}' has no branch '{}'", remote, integration)
             : fmt::format("cannot fetch from '{}': {}", remote, util::trim(output));
}

void run_fetch(git_repository* repo, const std::string& remote, const std::string& integration,
               const std::vector<std::string>& refspecs) {
  std::vector<std::string> args = {"fetch",   "--quiet", "--no-tags", "--no-write-fetch-head",
                                   "--prune", remote};
  args.insert(args.end(), refspecs.begin(), refspecs.end());
  const auto r = git::run_git(git::common_dir(repo), args);
  if (!r.ok()) {
    const bool no_branch = r.output.find("couldn't find remote ref") != std::string::npos;
    throw Error(fetch_error(remote, integration, r.output), exit_code::fatal,
                {no_branch ? fmt::format("push it first: git push -u {} {}", remote, integration)
                           : fmt::format("check that the remote is reachable: git fetch {}", remote)});
  }
}

} // namespace

RemoteRun fetch_remote(git_repository* repo, const std::string& remote, const std::string& run,
                       std::string integration) {
  git::require_remote(git::common_dir(repo), remote);
  const std::string prefix = tracking_prefix(remote, run);
  std::vector<std::string> specs = {
      fmt::format("+refs/wave/{}/*:{}*", run, prefix),
      fmt::format("+refs/heads/wave/{}/*:{}*", run, tracking_branches(remote, run)),
      fmt::format("+refs/wave/{0}/claims/*:refs/wave/{0}/claims/*", run),
  };
  const auto integration_spec = [&] {
    return fmt::format("+refs/heads/{0}:refs/remotes/{1}/{0}", integration, remote);
  };
  if (!integration.empty()) {
    specs.push_back(integration_spec());
  }
  run_fetch(repo, remote, integration, specs);

  RemoteRun out;
  out.remote = remote;
  out.run = run;
  out.state = git::resolve_commit(repo, prefix + "state");
  if (integration.empty()) {
    if (!out.state) {
      throw Error(fmt::format("'{}' has no run named '{}'", remote, run), exit_code::fatal,
                  {"start it on one machine first: git wave start --remote " + remote});
    }
    integration = run::load_at(repo, run, *out.state).state.integration;
    run_fetch(repo, remote, integration, {integration_spec()});
  }
  out.integration = integration;
  out.integration_tip = git::resolve_commit(repo, fmt::format("refs/remotes/{}/{}", remote, integration));
  const std::string branches = tracking_branches(remote, run);
  for (const auto& [name, oid] : refs_matching(repo, branches + "*")) {
    out.branches.emplace(name.substr(branches.size()), oid);
  }
  for (const auto& [name, oid] : refs_matching(repo, prefix + "candidate/*")) {
    out.candidates.emplace(name.substr(prefix.size() + std::string_view("candidate/").size()), oid);
  }
  for (const auto& [name, oid] : refs_matching(repo, prefix + "archive/*")) {
    out.archives.insert(fmt::format("refs/wave/{}/{}", run, name.substr(prefix.size())));
  }
  return out;
}

bool forward_state(git_repository* repo, const RemoteRun& remote) {
  if (!remote.state) {
    return false;
  }
  const std::string ref = run::state_ref(remote.run);
  const auto here = git::resolve_commit(repo, ref);
  if (here && (same(*here, *remote.state) || !contains(repo, *remote.state, *here))) {
    return false;
  }
  git_reference* raw = nullptr;
  const int rc =
      here ? git_reference_create_matching(&raw, repo, ref.c_str(), &*remote.state, 1, &*here,
                                           "git wave: run state fetched")
           : git_reference_create(&raw, repo, ref.c_str(), &*remote.state, 0, "git wave: run state fetched");
  git_reference_free(raw);
  git_error_clear();
  return rc == 0;
}

void take_remote_state(git_repository* repo, const RemoteRun& remote) {
  if (!remote.state) {
    return;
  }
  const std::string ref = run::state_ref(remote.run);
  git_reference* raw = nullptr;
  git::check(git_reference_create(&raw, repo, ref.c_str(), &*remote.state, 1,
                                  fmt::format("git wave: run state as on '{}'", remote.remote).c_str()),
             fmt::format("cannot update '{}'", ref));
  git_reference_free(raw);
}

Sync sync(git_repository* repo, RemoteRun& rr) {
  Sync out;
  // Under the run lock: what a killed command left on the run's own refs.
  run::clear_ref_locks(repo, rr.run);
  const std::string why = fmt::format("git wave: fetched from '{}'", rr.remote);

  // The run's state.
  const std::string state_ref = run::state_ref(rr.run);
  const auto local = git::resolve_commit(repo, state_ref);
  if (rr.state && !local) {
    set_ref(repo, state_ref, *rr.state, std::nullopt, why);
  } else if (rr.state && !same(*local, *rr.state)) {
    if (contains(repo, *rr.state, *local)) {
      set_ref(repo, state_ref, *rr.state, local, why);
    } else {
      bool published = false;
      if (contains(repo, *local, *rr.state)) {
        const auto p = publish(repo, rr);
        published = p.ok;
        if (published) {
          out.notes.push_back(fmt::format(
              "published to '{}' what an interrupted command recorded here of run '{}'", rr.remote, rr.run));
        } else {
          const auto before = rr.state;
          rr = fetch_remote(repo, rr.remote, rr.run, rr.integration);
          const auto here_state = run::load(repo, rr.run);
          const run::WaveRun* claimed = here_state ? here_state->state.pending() : nullptr;
          if (claimed != nullptr && claimed->intent->kind == run::IntentKind::merge) {
            // A merge a killed command claimed here and never landed: it
            // changed nothing but this record, and can no longer land.
            take_remote_state(repo, rr);
            out.notes.push_back(fmt::format("the merge of wave {} that an interrupted command recorded here "
                                            "cannot land on '{}' ({}): it is dropped; gate the wave again",
                                            claimed->label, rr.remote, p.output));
            published = true; // nothing more to take
          } else if (rr.state && same(*rr.state, *before)) {
            // Not a race: the remote refused it (its hook, its rules).
            out.problems.push_back(fmt::format("'{}' did not take what this clone recorded of run '{}': {}",
                                               rr.remote, rr.run, p.output));
            return out;
          }
        }
      }
      if (!published) {
        take_remote_state(repo, rr);
        out.notes.push_back(fmt::format("run '{}' moved on '{}' meanwhile (another machine): what this clone "
                                        "recorded alone since was dropped, the remote's record is kept",
                                        rr.run, rr.remote));
      }
    }
  }

  // The integration branch.
  const std::string int_ref = "refs/heads/" + rr.integration;
  const auto local_int = git::resolve_commit(repo, int_ref);
  const auto& remote_int = rr.integration_tip;
  // A merge recorded here and not finished moves it itself (recover).
  const auto here_now = run::load(repo, rr.run);
  const run::WaveRun* pending = here_now ? here_now->state.pending() : nullptr;
  const bool merging = pending != nullptr && pending->intent->kind == run::IntentKind::merge;
  if (remote_int && !local_int) {
    set_ref(repo, int_ref, *remote_int, std::nullopt, why);
  } else if (merging) {
    // nothing: flow::recover finishes the merge, the branch included (a
    // lock the killed merge left on it is cleared there, and only there)
  } else if (remote_int && !local_int) {
    set_ref(repo, int_ref, *remote_int, std::nullopt, why);
  } else if (remote_int && !same(*local_int, *remote_int)) {
    if (contains(repo, *remote_int, *local_int)) {
      if (const auto problem = fast_forward(repo, int_ref, *local_int, *remote_int, why)) {
        out.problems.push_back(fmt::format("'{}' is behind '{}/{}', and {}", rr.integration, rr.remote,
                                           rr.integration, *problem));
      } else {
        out.notes.push_back(fmt::format("fast-forwarded '{}' to '{}/{}' ({})", rr.integration, rr.remote,
                                        rr.integration, git::short_oid(*remote_int)));
      }
    } else if (contains(repo, *local_int, *remote_int)) {
      out.problems.push_back(
          fmt::format("'{}' has commits that '{}' does not: push them first (git push {} {})", rr.integration,
                      rr.remote, rr.remote, rr.integration));
    } else {
      out.problems.push_back(
          fmt::format("'{}' and '{}/{}' have diverged: bring them together first (git pull "
                      "--rebase {} {}, then git push)",
                      rr.integration, rr.remote, rr.integration, rr.remote, rr.integration));
    }
  }

  // The agents' branches of the open waves.
  const auto stored = run::load(repo, rr.run);
  if (!stored) {
    return out;
  }
  for (const auto& w : stored->state.waves) {
    if (w.status == run::WaveStatus::aborted || w.status == run::WaveStatus::merged) {
      continue;
    }
    for (const auto& a : w.agents) {
      const auto there = rr.branches.find(a.name);
      if (there == rr.branches.end()) {
        continue;
      }
      const std::string branch = a.branch.empty() ? run::agent_branch(rr.run, a.name) : a.branch;
      const std::string ref = "refs/heads/" + branch;
      const auto here = git::resolve_commit(repo, ref);
      if (!here) {
        set_ref(repo, ref, there->second, std::nullopt, why);
      } else if (same(*here, there->second) || contains(repo, *here, there->second)) {
        continue; // level, or work of this machine not pushed yet: gated as it is
      } else if (!contains(repo, there->second, *here) && archived(repo, rr.run, there->second)) {
        continue; // rewritten here (repair) or started anew (abort): publish replaces it
      } else if (contains(repo, there->second, *here)) {
        if (const auto problem = fast_forward(repo, ref, *here, there->second, why)) {
          out.problems.push_back(
              fmt::format("branch '{}' is behind '{}', and {}", branch, rr.remote, *problem));
        } else {
          out.notes.push_back(fmt::format("fast-forwarded '{}' to what '{}' has ({})", branch, rr.remote,
                                          git::short_oid(there->second)));
        }
      } else {
        out.problems.push_back(fmt::format("branch '{}' here ({}) and on '{}' ({}) have diverged: see both "
                                           "(git log --oneline --graph {} {}/{}), "
                                           "then keep the remote's (in its worktree: git reset --keep {}/{}) "
                                           "or push this one over it (git push "
                                           "--force-with-lease {} {})",
                                           branch, git::short_oid(*here), rr.remote,
                                           git::short_oid(there->second), branch, rr.remote, branch,
                                           rr.remote, branch, rr.remote, branch));
      }
    }
  }
  return out;
}

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
      // a branch rewritten here (repair) replaces the remote's when an
      // archive keeps what that held (an abort's, a repair's).
      for (const auto& a : w.agents) {
        const std::string branch = a.branch.empty() ? run::agent_branch(rr.run, a.name) : a.branch;
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
                        ? git::oid_str(*here) == (a.base.empty() ? w.base : a.base)
                        : archived(repo, rr.run, there->second))) {
          // (Contained: a branch left from an aborted wave with nothing of
          // its own, at an older base than this wave's.)
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
  throw Error(fmt::format("'{}' refused the merge of wave {}: {}", rr.remote, w.label, moved.front()),
              exit_code::not_satisfied, std::move(hints));
}

} // namespace wave::flow
