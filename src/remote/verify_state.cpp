#include "remote/verify_state.hpp"

#include "core/error.hpp"
#include "flow/amend.hpp"
#include "flow/remote_refs.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "plan/compare.hpp"
#include "plan/parse.hpp"
#include "run/branch.hpp"
#include "run/lock.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace wave::flow {

using refs::contains;
using refs::same;

namespace {

std::string quoted(const std::string& s) {
  return fmt::format("'{}'", util::escape_control(s));
}

bool related(git_repository* repo, const git_oid& a, const git_oid& b) {
  git_oid base{};
  const int rc = git_merge_base(&base, repo, &a, &b);
  git_error_clear();
  return rc == 0;
}

// How the fetched state stands to an earlier one this clone holds.
std::optional<std::string> history_problem(git_repository* repo, const git_oid& fetched,
                                           const git_oid& earlier, std::string_view earlier_is) {
  if (contains(repo, fetched, earlier)) {
    return std::nullopt;
  }
  if (contains(repo, earlier, fetched)) {
    return fmt::format("is older than {} ({}): the remote's record went back", earlier_is,
                       git::short_oid(earlier));
  }
  if (!related(repo, fetched, earlier)) {
    return fmt::format("has a history unrelated to {} ({}): it was deleted and written anew", earlier_is,
                       git::short_oid(earlier));
  }
  return fmt::format("does not descend from {} ({}): its history was rewritten", earlier_is,
                     git::short_oid(earlier));
}

// Is there a blob equal to `text` at `path` in `tree` (anywhere in it when
// `path` is empty: a state older than plan_path)?
bool committed_at(git_repository* repo, git_tree* tree, const std::string& path, const std::string& text) {
  if (!path.empty()) {
    const auto there = git::read_file(repo, tree, path);
    return there && *there == text;
  }
  git_oid blob{};
  git::check(git_odb_hash(&blob, text.data(), text.size(), GIT_OBJECT_BLOB), "cannot hash the plan");
  struct Walk {
    git_oid want;
    bool found = false;
  } walk{blob};
  git_tree_walk(
      tree, GIT_TREEWALK_PRE,
      [](const char*, const git_tree_entry* entry, void* payload) -> int {
        auto* w = static_cast<Walk*>(payload);
        if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB && same(*git_tree_entry_id(entry), w->want)) {
          w->found = true;
          return -1; // stop
        }
        return 0;
      },
      &walk);
  git_error_clear();
  return walk.found;
}

// Does `s` record amendments of the plan after those `mine` has, leading
// from mine's plan commit to its own?
bool amended(const run::State& s, const run::State& mine) {
  if (s.amendments.size() <= mine.amendments.size()) {
    return false;
  }
  std::string at = mine.plan_commit;
  for (std::size_t i = mine.amendments.size(); i < s.amendments.size(); ++i) {
    if (s.amendments[i].from != at) {
      return false;
    }
    at = s.amendments[i].to;
  }
  return at == s.plan_commit;
}

// A fetched state whose plan is not this clone's: believed only as an
// amendment (git wave amend) a lead could have made, going forward on the
// trusted integration branch from this clone's plan commit, that changes
// nothing the run has started. Nullopt when there is nothing to refuse (or
// no amendment claimed: the plain checks say what is wrong).
std::optional<std::string> amendment_problem(git_repository* repo, const StateCheck& check,
                                             const run::Stored& here, const run::Stored& fetched) {
  const run::State& s = fetched.state;
  if (!amended(s, here.state)) {
    return std::nullopt;
  }
  const auto from = git::parse_oid(here.state.plan_commit);
  const auto to = git::parse_oid(s.plan_commit);
  bool on_integration = false;
  for (const auto& tip : check.integration) {
    on_integration = on_integration || (to && contains(repo, tip, *to));
  }
  if (!from || !to || !on_integration || !contains(repo, *to, *from)) {
    return fmt::format(
        "records an amendment of its plan to {}, which is not a later commit of the plan on the "
        "integration branch {} here",
        quoted(s.plan_commit), quoted(s.integration));
  }
  const git::Commit c = git::lookup_commit(repo, *to);
  const git::Tree tree = git::commit_tree(c.get());
  if (s.plan_path.empty() || !committed_at(repo, tree.get(), s.plan_path, fetched.plan_text)) {
    return fmt::format("records an amended plan that is not the one committed at {}", git::short_oid(*to));
  }
  const auto was = plan::parse(here.plan_text, "wave.toml");
  const auto is = plan::parse(fetched.plan_text, "wave.toml");
  if (!was.plan || !is.plan) {
    return std::string("records an amended plan that is not valid");
  }
  const auto problems = amend_problems(*was.plan, *is.plan, s);
  if (!problems.empty()) {
    return fmt::format("records an amendment of its plan that changes what the run started: {}",
                       problems.front());
  }
  return std::nullopt;
}

// The plan as `state` binds it: committed at its plan_commit on a trusted
// integration tip, and (when this clone has a record) this clone's plan.
void plan_problems(git_repository* repo, const StateCheck& check, const run::Stored& fetched,
                   std::vector<std::string>& out) {
  const run::State& s = fetched.state;
  const run::Stored* here = check.here;
  std::optional<std::string> bound_text; // the plan bound at start, as this clone knows it
  if (here != nullptr && s.plan_commit != here->state.plan_commit) {
    if (const auto why = amendment_problem(repo, check, *here, fetched)) {
      out.push_back(*why);
      return;
    }
    if (amended(s, here->state)) {
      here = nullptr; // an amendment checked above: the plan is now the one committed at plan_commit
    }
  }
  if (here != nullptr) {
    bound_text = here->plan_text;
    if (s.plan_commit != here->state.plan_commit) {
      out.push_back(fmt::format("binds its plan to commit {}, not to {} as bound at start",
                                quoted(s.plan_commit), git::short_oid(here->state.plan_commit)));
    }
    if (!here->state.plan_path.empty() && s.plan_path != here->state.plan_path) {
      out.push_back(fmt::format("reads its plan from {}, not from {} as bound at start", quoted(s.plan_path),
                                quoted(here->state.plan_path)));
    }
  }
  git_oid commit{};
  const bool valid_oid = s.plan_commit.size() == GIT_OID_HEXSZ &&
                         git_oid_fromstrn(&commit, s.plan_commit.data(), s.plan_commit.size()) == 0;
  git_error_clear();
  bool on_integration = false;
  if (valid_oid) {
    for (const auto& tip : check.integration) {
      on_integration = on_integration || contains(repo, tip, commit);
    }
  }
  std::optional<bool> committed; // is the fetched plan the one committed at plan_commit?
  if (on_integration) {
    const git::Commit c = git::lookup_commit(repo, commit);
    const git::Tree tree = git::commit_tree(c.get());
    if (!bound_text && !s.plan_path.empty()) {
      bound_text = git::read_file(repo, tree.get(), s.plan_path);
    }
    committed = committed_at(repo, tree.get(), s.plan_path, fetched.plan_text);
  }
  if (bound_text && *bound_text != fetched.plan_text) {
    const auto was = plan::parse(*bound_text, "wave.toml");
    const auto is = plan::parse(fetched.plan_text, "wave.toml");
    std::vector<std::string> changes;
    if (!is.plan) {
      changes = {std::string("that plan is not valid")};
    } else if (was.plan) {
      changes = plan::differences(*was.plan, *is.plan);
    }
    if (changes.empty()) {
      changes = {std::string("its text differs (comments or layout)")};
    }
    out.insert(out.begin(), fmt::format("records another plan than the one bound at start: {}",
                                        util::join(changes, "; ")));
  } else if (committed && !*committed) {
    out.push_back(fmt::format("records a plan that is not the one committed at {}{}", git::short_oid(commit),
                              s.plan_path.empty() ? std::string() : " as " + quoted(s.plan_path)));
  }
  if (!on_integration) {
    out.push_back(fmt::format("binds its plan to commit {}, which is not on the integration branch {} here",
                              quoted(s.plan_commit), quoted(s.integration)));
  }
}

} // namespace

// The agents' records: a branch is the agent's own (wave/<run>/<agent>),
// and what the remote's state said of a wave when this clone last had it
// (each agent's branch, base and worktree, written once at start) is what
// the fetched state says too: a state naming main as an agent's branch, or
// a folder of the lead's as its worktree, is not one git wave wrote. Without
// a mark, this clone's own record stands for it.
void agent_problems(git_repository* repo, const StateCheck& check, const run::Stored& fetched,
                    std::vector<std::string>& out) {
  const run::State& s = fetched.state;
  for (const auto& w : s.waves) {
    for (const auto& a : w.agents) {
      if (!a.branch.empty() && a.branch != run::agent_branch(s.run, a.name)) {
        out.push_back(fmt::format("records {} as the branch of agent {} in wave {}", quoted(a.branch),
                                  quoted(a.name), quoted(w.label)));
      }
    }
  }
  std::optional<run::Stored> seen;
  if (check.seen) {
    try {
      seen = run::load_at(repo, check.run, *check.seen);
    } catch (const Error&) {
      seen.reset(); // a mark this clone cannot read: its own record stands
    }
  }
  const run::Stored* before = seen ? &*seen : check.here;
  if (before == nullptr) {
    return;
  }
  const auto& mine = before->state.waves;
  for (std::size_t i = 0; i < mine.size() && i < s.waves.size(); ++i) {
    if (mine[i].label != s.waves[i].label || mine[i].started_at != s.waves[i].started_at) {
      out.push_back(fmt::format("records wave {} where this clone has wave {}", quoted(s.waves[i].label),
                                quoted(mine[i].label)));
      continue;
    }
    for (const auto& a : mine[i].agents) {
      const run::AgentRun* there = s.waves[i].find(a.name);
      // A skip takes an agent out of its wave: believed only when this
      // clone made it (an agent could record one to drop another's work).
      const bool skipped =
          check.here != nullptr && std::any_of(check.here->state.actions.begin(),
                                               check.here->state.actions.end(), [&](const run::Action& d) {
                                                 return d.kind == run::ActionKind::skip &&
                                                        d.agent == a.name && d.wave == mine[i].label;
                                               });
      if (there == nullptr && !skipped) {
        out.push_back(fmt::format("drops agent {} from wave {}", quoted(a.name), quoted(mine[i].label)));
      } else if (there != nullptr &&
                 (there->branch != a.branch || there->base != a.base || there->worktree != a.worktree)) {
        out.push_back(fmt::format("changes the branch, base or worktree recorded at start for agent {} of "
                                  "wave {}",
                                  quoted(a.name), quoted(mine[i].label)));
      }
    }
  }
}

std::vector<std::string> verify_state(git_repository* repo, const StateCheck& check) {
  std::vector<std::string> out;
  run::Stored fetched;
  try {
    fetched = run::load_at(repo, check.run, check.fetched);
  } catch (const Error& e) {
    out.push_back(fmt::format("cannot be read: {}", e.what()));
    return out;
  }
  const run::State& s = fetched.state;
  if (s.run != check.run) {
    out.push_back(fmt::format("is the state of run {}", quoted(s.run)));
  }
  if (check.here != nullptr && s.integration != check.here->state.integration) {
    out.push_back(fmt::format("integrates into {}, not {}", quoted(s.integration),
                              quoted(check.here->state.integration)));
  }
  if (check.seen) {
    if (auto p = history_problem(repo, check.fetched, *check.seen,
                                 fmt::format("the one this clone last had from {}", quoted(check.remote)))) {
      out.push_back(std::move(*p));
    }
  } else if (check.here != nullptr && !related(repo, check.fetched, check.here->commit)) {
    out.push_back(fmt::format("has a history unrelated to this clone's record of the run ({})",
                              git::short_oid(check.here->commit)));
  }
  plan_problems(repo, check, fetched, out);
  agent_problems(repo, check, fetched, out);
  return out;
}

std::string seen_ref(const std::string& remote, const std::string& run) {
  return fmt::format("refs/wave-seen/{}/{}", remote, run);
}

void mark_seen(git_repository* repo, const std::string& remote, const std::string& run, const git_oid& oid) {
  const std::string ref = seen_ref(remote, run);
  // Only git wave writes this ref: a lock file on it is one a killed git
  // wave left (or a racing one's, which then fails as this one may: the
  // mark is best effort, one not written leaves the check as strict as the
  // last mark made it).
  std::error_code ec;
  std::filesystem::remove(run::ref_lock_path(repo, ref), ec);
  git_reference* raw = nullptr;
  if (git_reference_create(&raw, repo, ref.c_str(), &oid, 1,
                           fmt::format("git wave: state of run '{}' verified", run).c_str()) == 0) {
    git_reference_free(raw);
  }
  git_error_clear();
}

std::vector<git_oid> trusted_integration(git_repository* repo, const std::string& remote,
                                         const std::string& integration) {
  std::vector<git_oid> out;
  if (integration.empty() || run::parse_agent_branch(integration)) {
    return out; // an agent's branch is never the integration branch
  }
  const auto local = git::resolve_commit(repo, "refs/heads/" + integration);
  const auto there = git::resolve_commit(repo, fmt::format("refs/remotes/{}/{}", remote, integration));
  if (local) {
    out.push_back(*local);
  }
  if (there && (!local || contains(repo, *there, *local))) {
    out.push_back(*there);
  }
  return out;
}

void require_verified(git_repository* repo, const std::string& remote, const std::string& run,
                      const git_oid& fetched) {
  const auto here = run::load(repo, run);
  if (here && same(here->commit, fetched)) {
    mark_seen(repo, remote, run, fetched); // this clone's own record
    return;
  }
  StateCheck check;
  check.run = run;
  check.remote = remote;
  check.fetched = fetched;
  check.here = here ? &*here : nullptr;
  check.seen = git::resolve_commit(repo, seen_ref(remote, run));
  std::string integration = here ? here->state.integration : std::string();
  if (integration.empty()) {
    try {
      integration = run::load_at(repo, run, fetched).state.integration;
    } catch (const Error&) {
      // verify_state says it cannot be read
    }
  }
  check.integration = trusted_integration(repo, remote, integration);
  const auto problems = verify_state(repo, check);
  if (problems.empty()) {
    mark_seen(repo, remote, run, fetched);
    return;
  }
  const std::string subject = fmt::format("the state of run {} on {}", quoted(run), quoted(remote));
  std::vector<std::string> hints;
  for (std::size_t i = 1; i < problems.size(); ++i) {
    hints.push_back(fmt::format("it also {}", problems[i]));
  }
  const std::string tracking = fmt::format("refs/wave-remote/{}/{}/state", remote, run);
  hints.push_back(
      fmt::format("the remote's state of run {} was not written by git wave from the plan bound at "
                  "start; a lead can inspect it with: git log -p {}",
                  quoted(run), tracking));
  if (here) {
    hints.push_back(fmt::format("restore the server's state: git push --force-with-lease={}:{} {} {}:{}",
                                run::state_ref(run), git::oid_str(fetched), remote,
                                git::oid_str(here->commit), run::state_ref(run)));
  } else {
    hints.push_back(fmt::format("a lead with the run's record restores the server's state ({})",
                                "git push --force-with-lease"));
  }
  hints.push_back(fmt::format("nothing was changed {}", "here"));
  throw Error(fmt::format("{} {}", subject, problems.front()), exit_code::fatal, std::move(hints));
}

void require_verified(git_repository* repo, const RemoteRun& remote) {
  if (remote.state) {
    require_verified(repo, remote.remote, remote.run, *remote.state);
  }
}

} // namespace wave::flow
