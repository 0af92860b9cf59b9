#include "remote/remote.hpp"

#include "core/error.hpp"
#include "flow/cleanup.hpp"
#include "flow/remote_refs.hpp"
#include "flow/trash.hpp"
#include "gate/worktrees.hpp"
#include "git/check.hpp"
#include "git/cli.hpp"
#include "git/handle.hpp"
#include "git/remote.hpp"
#include "git/repo.hpp"
#include "git/worktree.hpp"
#include "remote/publish.hpp"
#include "remote/verify_state.hpp"
#include "run/branch.hpp"
#include "run/lock.hpp"
#include "run/store.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::flow {

namespace fs = std::filesystem;

using refs::archived;
using refs::contains;
using refs::refs_matching;
using refs::same;

namespace {

std::string tracking_prefix(const std::string& remote, const std::string& run) {
  return fmt::format("refs/wave-remote/{}/{}/", remote, run);
}

std::string tracking_branches(const std::string& remote, const std::string& run) {
  return fmt::format("refs/remotes/{}/wave/{}/", remote, run);
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

// A wave another machine finished merging (its branches gone from the
// remote: not kept): this clone's worktrees and branches of it go, as that
// merge would have removed them here (a branch whose worktree went before,
// by a command killed half way, too). A worktree with changes, or the one
// the command runs in, stays; so does a branch with work after the merge.
void tidy_merged(git_repository* repo, const RemoteRun& rr, const run::State& state, Sync& out) {
  const auto linked = git::linked_worktrees(repo);
  std::error_code ec;
  const fs::path here = fs::weakly_canonical(fs::current_path(ec), ec);
  for (const auto& w : state.waves) {
    if (w.status != run::WaveStatus::merged || !w.merged || w.intent) {
      continue;
    }
    const git_oid to = git::oid_from(w.merged->to);
    if (!rr.integration_tip || !contains(repo, *rr.integration_tip, to)) {
      continue; // not on the remote's integration branch: not merged there
    }
    Cleanup c;
    for (const auto& a : w.agents) {
      if (rr.branches.count(a.name) != 0) {
        continue;
      }
      const bool worktree = !a.worktree.empty() && git::find_worktree(linked, a.worktree);
      const std::string branch = run::branch_of(rr.run, a);
      const auto tip = git::resolve_commit(repo, "refs/heads/" + branch);
      if (!worktree && !tip) {
        continue;
      }
      if (worktree) {
        const auto rel = here.lexically_relative(fs::weakly_canonical(a.worktree, ec));
        if (!rel.empty() && *rel.begin() != "..") {
          continue;
        }
      }
      if (tip && !contains(repo, to, *tip) && !archived(repo, rr.run, *tip)) {
        continue; // work of its own after the merge: it stays
      }
      if ((!worktree || remove_agent_worktree(repo, a.worktree, a.name, false, c)) && tip) {
        delete_branch(repo, branch, *tip, c);
      }
    }
    empty_trash(repo);
    for (const auto& d : c.done) {
      out.notes.push_back(fmt::format("wave {} was merged on another machine: {}", w.label, d));
    }
    for (const auto& k : c.kept) {
      out.notes.push_back(fmt::format("wave {} was merged on another machine; kept {}", w.label, k));
    }
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
  git::fetch(git::common_dir(repo), remote, specs, true);

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
    if (integration.empty() || run::parse_agent_branch(integration)) {
      // Read from a state not verified yet: an agent's branch is never it.
      throw Error(fmt::format("the state of run '{}' on '{}' names '{}' as its integration branch", run,
                              remote, util::escape_control(integration)),
                  exit_code::fatal,
                  {fmt::format("a lead can inspect it with: git log -p {}state", prefix),
                   "nothing was changed here"});
    }
    git::fetch(git::common_dir(repo), remote, {integration_spec()}, true);
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
  require_verified(repo, remote);
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
  require_verified(repo, remote);
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
  // Nothing acts on the remote's record before it is verified: a refusal
  // throws, and nothing here has changed.
  require_verified(repo, rr);
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
                                        "recorded alone since was dropped, the remote's record (verified) is "
                                        "taken",
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
          fmt::format("'{0}' has commits that '{1}' does not: push them first (git push {1} {0}); where the "
                      "server's git wave hook keeps '{0}' for the run's merges while it has waves left, move "
                      "them to a branch of their own (git branch keep {0}; git reset --keep {1}/{0}) and land "
                      "them after the run",
                      rr.integration, rr.remote));
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
  tidy_merged(repo, rr, stored->state, out);
  for (const auto& w : stored->state.waves) {
    if (w.status == run::WaveStatus::aborted || w.status == run::WaveStatus::merged) {
      continue;
    }
    for (const auto& a : w.agents) {
      const auto there = rr.branches.find(a.name);
      if (there == rr.branches.end()) {
        continue;
      }
      const std::string branch = run::branch_of(rr.run, a);
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

} // namespace wave::flow
