#include "gate/receive.hpp"

#include "core/error.hpp"
#include "gate/branch_audit.hpp"
#include "gate/receive_landing.hpp"
#include "git/check.hpp"
#include "plan/parse.hpp"
#include "run/branch.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace wave::gate {

namespace {

bool is_zero(const git_oid& id) {
  return git_oid_is_zero(&id) != 0;
}

// refs/wave/<run>/<rest>: the run and the rest.
std::optional<std::pair<std::string, std::string>> run_ref(std::string_view ref) {
  constexpr std::string_view prefix = "refs/wave/";
  if (ref.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  const std::string_view rest = ref.substr(prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) {
    return std::nullopt;
  }
  return std::pair{std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))};
}

// A run as this push leaves it: the pushed state when the push moves it,
// else the server's.
struct RunView {
  std::optional<run::Stored> stored;
  std::optional<plan::Plan> plan;
  std::string error; // why it could not be read
};

// What a pushed ref is to a run.
enum class Kind { other, agent_branch, state, claim, archive, candidate, unknown_run_ref };

struct Classified {
  Kind kind = Kind::other;
  std::string run;
  std::string name; // the agent (branch, claim), else the rest of the ref
};

bool one_component(std::string_view s) {
  return !s.empty() && s.find('/') == std::string_view::npos;
}

Classified classify(const std::string& ref) {
  if (ref.rfind("refs/heads/", 0) == 0) {
    if (const auto branch = run::parse_agent_branch(ref)) {
      return {Kind::agent_branch, branch->run, branch->agent};
    }
    return {};
  }
  if (ref.rfind("refs/wave/", 0) != 0) {
    return {};
  }
  const auto r = run_ref(ref);
  if (!r) {
    return {Kind::unknown_run_ref, "", ref.substr(10)};
  }
  const std::string& run = r->first;
  const std::string& rest = r->second;
  const auto under = [&rest](std::string_view prefix) {
    return rest.rfind(prefix, 0) == 0 && one_component(std::string_view(rest).substr(prefix.size()));
  };
  if (rest == "state") {
    return {Kind::state, run, rest};
  }
  if (under("claims/")) {
    return {Kind::claim, run, rest.substr(7)};
  }
  if (under("archive/")) {
    return {Kind::archive, run, rest};
  }
  if (under("candidate/")) {
    return {Kind::candidate, run, rest};
  }
  return {Kind::unknown_run_ref, run, rest};
}

class Checker {
public:
  Checker(git_repository* repo, const std::vector<RefUpdate>& updates, const ReceiveOptions& options)
      : m_repo(repo), m_updates(updates), m_options(options) {}

  std::vector<Refusal> check() {
    for (const auto& u : m_updates) {
      const Classified c = classify(u.ref);
      if (m_options.roles.configured() && !allowed_by_role(u, c)) {
        continue;
      }
      switch (c.kind) {
      case Kind::agent_branch:
        agent_branch(u, c.run, c.name);
        break;
      case Kind::state:
        state(u, c.run);
        break;
      case Kind::claim:
        claim(u, c.run, c.name);
        break;
      case Kind::archive:
      case Kind::candidate:
        run_record(u, c);
        break;
      case Kind::unknown_run_ref:
        refuse(u, "git wave writes no such ref", {},
               "under refs/wave/<run>/ there are only state, claims/<agent>, archive/<name> and "
               "candidate/<label>");
        break;
      case Kind::other:
        break;
      }
    }
    integration_branches();
    return std::move(m_refusals);
  }

private:
  void refuse(const RefUpdate& u, std::string reason, std::vector<std::string> details, std::string hint) {
    m_refused.insert(u.ref);
    m_refusals.push_back({u.ref, std::move(reason), std::move(details), std::move(hint)});
  }

  // With roles: whether the pusher may push `u` at all (a refusal when not).
  bool allowed_by_role(const RefUpdate& u, const Classified& c) {
    const auto& id = m_options.pusher.identity;
    const Role role = m_options.roles.role_of(id);
    if (role == Role::lead) {
      return true;
    }
    if (role == Role::none) {
      refuse(u,
             id.empty() ? std::string("this push names no pusher, and this server gives pushes only to its "
                                      "leads and agents")
                        : fmt::format("pusher '{}' ({}) has no role on this server", id, m_options.pusher.source),
             {},
             fmt::format("the server's administrator gives it one: git config --add wave.receive.lead IDENTITY, "
                         "or wave.receive.agent 'IDENTITY RUN/AGENT'; the identity is read from {}",
                         util::join(m_options.identity_sources, ", ")));
      return false;
    }
    const bool creates = is_zero(u.old_id);
    const bool deletes = is_zero(u.new_id);
    const std::string hint = "an agent pushes only its own branches wave/<run>/<agent> and its claims; the rest "
                             "is the lead's";
    if ((c.kind == Kind::agent_branch || c.kind == Kind::claim) && !m_options.roles.acts_as(id, c.run, c.name)) {
      refuse(u, fmt::format("pusher '{}' is not agent '{}' of run '{}'", id, c.name, c.run), {}, hint);
      return false;
    }
    if (c.kind == Kind::agent_branch && (creates || deletes)) {
      refuse(u, fmt::format("agent '{}' may not {} its branch", c.name, creates ? "create" : "delete"), {},
             "the lead's 'git wave start' creates an agent's branch, its merge or abort deletes it");
      return false;
    }
    if (c.kind == Kind::agent_branch || c.kind == Kind::claim) {
      return true;
    }
    refuse(u, fmt::format("pusher '{}' is an agent: it may not change this ref", id), {}, hint);
    return false;
  }

  const RunView& view(const std::string& run) {
    auto it = m_runs.find(run);
    if (it != m_runs.end()) {
      return it->second;
    }
    RunView v;
    try {
      const auto pushed = pushed_state(run);
      if (pushed && !is_zero(pushed->new_id)) {
        v.stored = run::load_at(m_repo, run, pushed->new_id);
      } else if (!pushed) {
        v.stored = run::load(m_repo, run);
      }
      if (v.stored) {
        auto parsed = plan::parse(v.stored->plan_text, fmt::format("plan of run '{}'", run));
        if (parsed.plan) {
          v.plan = std::move(*parsed.plan);
        } else {
          v.error = fmt::format("the plan recorded for run '{}' is not valid", run);
        }
      }
    } catch (const Error& e) {
      v.error = e.what();
    }
    return m_runs.emplace(run, std::move(v)).first->second;
  }

  // The update of the state of `run` this push makes, if any.
  const RefUpdate* pushed_state(const std::string& run) const {
    const std::string ref = run::state_ref(run);
    for (const auto& u : m_updates) {
      if (u.ref == ref) {
        return &u;
      }
    }
    return nullptr;
  }

  // Whether this push moves an existing state of `run` (forward, by the
  // state's own checks): what a merge or an abort does.
  bool moves_state(const std::string& run) const {
    const RefUpdate* u = pushed_state(run);
    return u != nullptr && !is_zero(u->old_id) && !is_zero(u->new_id);
  }

  bool deleted_without_state(const RefUpdate& u, const std::string& run, std::string_view what) {
    if (!is_zero(u.new_id) || moves_state(run)) {
      return false;
    }
    refuse(u, fmt::format("{} is deleted only in a push that moves the state of run '{}'", what, run), {},
           "a lead's 'git wave merge' or 'git wave abort' deletes it, with the state that records why");
    return true;
  }

  void agent_branch(const RefUpdate& u, const std::string& run, const std::string& agent) {
    if (is_zero(u.new_id)) {
      deleted_without_state(u, run, fmt::format("the branch of agent '{}'", agent));
      return;
    }
    const RunView& v = view(run);
    if (!v.error.empty()) {
      refuse(u, v.error, {}, fmt::format("push a valid state to {} first", run::state_ref(run)));
      return;
    }
    if (!v.stored || !v.plan) {
      refuse(u, fmt::format("this server has no run '{}' (no {})", run, run::state_ref(run)), {},
             "the lead's 'git wave start' pushes the run's state with its branches; push it first, or in the "
             "same push");
      return;
    }
    const auto audited = audit_branch(m_repo, *v.stored, *v.plan, agent, u.new_id);
    if (!audited) {
      refuse(u, fmt::format("run '{}' has no started agent '{}'", run, agent), {},
             fmt::format("branches wave/{}/<agent> are for the agents of the run's started waves", run));
      return;
    }
    if (audited->findings.empty()) {
      return;
    }
    std::vector<std::string> lines;
    for (const auto& f : audited->findings) {
      lines.push_back(f.describe());
    }
    refuse(u, audited->reason(), std::move(lines),
           fmt::format("{}; rewrite those commits away (git rebase -i {}), then push again", audited->owns_text(),
                       git::short_oid(audited->base)));
  }

  void state(const RefUpdate& u, const std::string& run) {
    if (is_zero(u.new_id)) {
      refuse(u, fmt::format("the state of run '{}' is never deleted", run), {},
             "a run's record stays; 'git wave abort' ends a wave, and a new run takes a new name");
      return;
    }
    const RunView& v = view(run);
    if (!v.error.empty() || !v.plan) {
      refuse(u, fmt::format("this is not a valid state of run '{}': {}", run, v.error.empty() ? "no plan" : v.error),
             {}, "push the state 'git wave' wrote, unchanged");
      return;
    }
    if (is_zero(u.old_id)) {
      return;
    }
    if (git_graph_descendant_of(m_repo, &u.new_id, &u.old_id) != 1) {
      git_error_clear();
      refuse(u, fmt::format("the state of run '{}' may only move forward", run), {},
             "fetch it (git fetch <remote> 'refs/wave/*:refs/wave/*'), let git wave update it, push again");
      return;
    }
    try {
      const run::Stored before = run::load_at(m_repo, run, u.old_id);
      if (before.plan_text != v.stored->plan_text) {
        refuse(u, fmt::format("the plan recorded for run '{}' changed: it is bound when the run starts", run), {},
               "a new plan is a new run: 'git wave start' with the plan committed");
      } else if (before.state.integration != v.stored->state.integration ||
                 before.state.plan_commit != v.stored->state.plan_commit) {
        refuse(u, fmt::format("the integration branch or plan commit of run '{}' changed: they are bound when "
                              "the run starts",
                              run),
               {}, "push the state 'git wave' wrote, unchanged");
      }
    } catch (const Error& e) {
      refuse(u, fmt::format("the state of run '{}' on this server cannot be read: {}", run, e.what()), {},
             "repair it on the server");
    }
  }

  void claim(const RefUpdate& u, const std::string& run, const std::string& agent) {
    const bool creates = is_zero(u.old_id);
    const bool deletes = is_zero(u.new_id);
    if (!creates && !deletes) {
      refuse(u, fmt::format("'{}' is held: a claim is created or released, never moved", agent), {},
             "release it first ('git wave release')");
      return;
    }
    if (creates) {
      const RunView& v = view(run);
      if (!v.plan || !v.plan->find(agent)) {
        refuse(u, fmt::format("run '{}' has no agent '{}' to claim", run, agent), {}, "");
      }
    }
  }

  void run_record(const RefUpdate& u, const Classified& c) {
    const bool archive = c.kind == Kind::archive;
    if (deleted_without_state(u, c.run, archive ? "an archive" : "a gate's candidate")) {
      return;
    }
    if (archive && !is_zero(u.old_id) && !is_zero(u.new_id)) {
      refuse(u, "an archive is never rewritten", {}, "archive under a new name");
    }
  }

  // A run's integration branch, while the run has waves to land (always with
  // gated_only), moves only forward, only to the candidate of the wave
  // whose merge the run's state records in this same push.
  void integration_branches() {
    // Only a branch that is not an agent's can be an integration branch:
    // an agent's push reads no other run's state.
    const bool branch_moves = std::any_of(m_updates.begin(), m_updates.end(), [](const RefUpdate& u) {
      return u.ref.rfind("refs/heads/", 0) == 0 && !run::parse_agent_branch(u.ref);
    });
    if (!branch_moves) {
      return;
    }
    std::set<std::string> runs;
    for (const auto& name : run::list_runs(m_repo)) {
      runs.insert(name);
    }
    std::map<std::string, std::vector<std::string>> guarded; // ref -> runs guarding it
    for (const auto& name : runs) {
      try {
        const auto before = run::load(m_repo, name);
        const RunView& after = view(name);
        if (!before) {
          continue;
        }
        const bool open = m_options.gated_only || run_open(*before) || !after.stored || run_open(*after.stored);
        if (open) {
          guarded["refs/heads/" + before->state.integration].push_back(name);
        }
      } catch (const Error&) {
        // A state the server cannot read guards nothing it could name;
        // pushes of that run are refused by the state's own checks.
      }
    }
    for (const auto& u : m_updates) {
      const auto it = guarded.find(u.ref);
      if (it == guarded.end() || m_refused.count(u.ref) != 0) {
        continue;
      }
      const std::string branch = u.ref.substr(11);
      const std::string of_runs = fmt::format("run{} '{}'", it->second.size() == 1 ? "" : "s",
                                              util::join(it->second, "', '"));
      const std::string hint = "land waves with 'git wave merge'";
      if (is_zero(u.new_id)) {
        refuse(u, fmt::format("'{}' is the integration branch of {}: it is never deleted", branch, of_runs), {},
               hint);
        continue;
      }
      if (is_zero(u.old_id) || git_graph_descendant_of(m_repo, &u.new_id, &u.old_id) != 1) {
        git_error_clear();
        refuse(u, fmt::format("'{}' is the integration branch of {}: it moves only forward", branch, of_runs), {},
               hint);
        continue;
      }
      bool landed = false;
      for (const auto& name : it->second) {
        const RunView& v = view(name);
        const run::WaveRun* w =
            moves_state(name) && v.stored ? landing_wave(v.stored->state, u.old_id, u.new_id) : nullptr;
        landed = landed || (w != nullptr && gated_before(name, w->label, u.new_id));
      }
      if (!landed) {
        refuse(u, fmt::format("'{}' moves only to the candidate that passed the gate of a wave, recorded on "
                              "this server before, whose merge the state of {} records in the same push, and {} "
                              "is none",
                              branch, of_runs, git::short_oid(u.new_id)),
               {}, hint + ", which pushes the merge with the state that records it");
      }
    }
  }

  // Whether the server's state of `run`, before this push, records the gate
  // of wave `label` as passed with `candidate`: a gate's record reaches the
  // server before the merge that lands it, so a state forged in the landing
  // push itself cannot name its own candidate.
  bool gated_before(const std::string& run, const std::string& label, const git_oid& candidate) {
    try {
      const auto before = run::load(m_repo, run);
      const run::WaveRun* w = before ? before->state.find_wave(label) : nullptr;
      return w != nullptr && w->gate && w->gate->passed() && w->gate->candidate == git::oid_str(candidate);
    } catch (const Error&) {
      return false;
    }
  }

  git_repository* m_repo;
  const std::vector<RefUpdate>& m_updates;
  const ReceiveOptions& m_options;
  std::map<std::string, RunView> m_runs;
  std::vector<Refusal> m_refusals;
  std::set<std::string> m_refused; // refs refused already
};

} // namespace

std::vector<RefUpdate> parse_updates(const std::string& input) {
  std::vector<RefUpdate> out;
  for (const auto& line : util::split(input, '\n')) {
    if (util::trim(line).empty()) {
      continue;
    }
    const auto parts = util::split(std::string(util::trim(line)), ' ');
    if (parts.size() != 3) {
      throw Error(fmt::format("not a pre-receive line: '{}'", util::shown(line)));
    }
    RefUpdate u;
    if (git_oid_fromstrn(&u.old_id, parts[0].c_str(), parts[0].size()) != 0 ||
        git_oid_fromstrn(&u.new_id, parts[1].c_str(), parts[1].size()) != 0) {
      throw Error(fmt::format("not a pre-receive line: '{}'", util::shown(line)));
    }
    u.ref = parts[2];
    out.push_back(std::move(u));
  }
  return out;
}

std::vector<Refusal> check_push(git_repository* repo, const std::vector<RefUpdate>& updates,
                                const ReceiveOptions& options) {
  return Checker(repo, updates, options).check();
}

} // namespace wave::gate
