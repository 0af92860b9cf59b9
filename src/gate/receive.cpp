#include "gate/receive.hpp"

#include "core/error.hpp"
#include "gate/branch_audit.hpp"
#include "git/check.hpp"
#include "plan/parse.hpp"
#include "run/branch.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

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

class Checker {
public:
  Checker(git_repository* repo, const std::vector<RefUpdate>& updates, const ReceiveOptions& options)
      : m_repo(repo), m_updates(updates), m_options(options) {}

  std::vector<Refusal> check() {
    for (const auto& u : m_updates) {
      if (const auto branch = run::parse_agent_branch(u.ref); branch && u.ref.rfind("refs/heads/", 0) == 0) {
        if (!is_zero(u.new_id)) {
          agent_branch(u, branch->run, branch->agent);
        }
      } else if (const auto r = run_ref(u.ref)) {
        run_side_ref(u, r->first, r->second);
      }
    }
    if (m_options.gated_only) {
      integration_branches();
    }
    return std::move(m_refusals);
  }

private:
  void refuse(const RefUpdate& u, std::string reason, std::vector<std::string> details, std::string hint) {
    m_refusals.push_back({u.ref, std::move(reason), std::move(details), std::move(hint)});
  }

  const RunView& view(const std::string& run) {
    auto it = m_runs.find(run);
    if (it != m_runs.end()) {
      return it->second;
    }
    RunView v;
    try {
      const std::string ref = run::state_ref(run);
      std::optional<git_oid> pushed;
      for (const auto& u : m_updates) {
        if (u.ref == ref) {
          pushed = u.new_id;
        }
      }
      if (pushed && !is_zero(*pushed)) {
        v.stored = run::load_at(m_repo, run, *pushed);
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

  void agent_branch(const RefUpdate& u, const std::string& run, const std::string& agent) {
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

  void run_side_ref(const RefUpdate& u, const std::string& run, const std::string& rest) {
    const bool creates = is_zero(u.old_id);
    const bool deletes = is_zero(u.new_id);
    if (rest == "state") {
      if (deletes) {
        return;
      }
      const RunView& v = view(run);
      if (!v.error.empty() || !v.plan) {
        refuse(u, fmt::format("this is not a valid state of run '{}': {}", run,
                              v.error.empty() ? "no plan" : v.error),
               {}, "push the state 'git wave' wrote, unchanged");
        return;
      }
      if (!creates && git_graph_descendant_of(m_repo, &u.new_id, &u.old_id) != 1) {
        refuse(u, fmt::format("the state of run '{}' may only move forward", run), {},
               "fetch it (git fetch <remote> 'refs/wave/*:refs/wave/*'), let git wave update it, push again");
      }
      return;
    }
    if (rest.rfind("claims/", 0) == 0) {
      if (!creates && !deletes) {
        refuse(u, fmt::format("'{}' is held: a claim is created or released, never moved", rest.substr(7)), {},
               "release it first ('git wave release')");
        return;
      }
      if (creates) {
        const RunView& v = view(run);
        if (!v.plan || !v.plan->find(rest.substr(7))) {
          refuse(u, fmt::format("run '{}' has no agent '{}' to claim", run, rest.substr(7)), {}, "");
        }
      }
      return;
    }
    if (rest.rfind("archive/", 0) == 0 && !creates && !deletes) {
      refuse(u, "an archive is never rewritten", {}, "archive under a new name");
    }
  }

  // With gated_only: a run's integration branch moves only to a candidate
  // that passed its gate (by any run's state as this push leaves it).
  void integration_branches() {
    std::set<std::string> runs;
    for (const auto& name : run::list_runs(m_repo)) {
      runs.insert(name);
    }
    for (const auto& u : m_updates) {
      if (const auto r = run_ref(u.ref); r && r->second == "state") {
        runs.insert(r->first);
      }
    }
    std::map<std::string, std::set<std::string>> gated; // branch -> candidates that passed
    for (const auto& name : runs) {
      const RunView& v = view(name);
      if (!v.stored) {
        continue;
      }
      auto& set = gated["refs/heads/" + v.stored->state.integration];
      for (const auto& w : v.stored->state.waves) {
        if (w.gate && w.gate->result == run::GateResult::pass && !w.gate->candidate.empty()) {
          set.insert(w.gate->candidate);
        }
      }
    }
    for (const auto& u : m_updates) {
      const auto it = gated.find(u.ref);
      if (it == gated.end() || is_zero(u.new_id)) {
        continue;
      }
      if (it->second.count(git::oid_str(u.new_id)) == 0) {
        refuse(u, fmt::format("{} moves only to a gated candidate, and {} is none", u.ref.substr(11),
                              git::short_oid(u.new_id)),
               {}, "land waves with 'git wave merge' (wave.receive.gatedOnly is set on this server)");
      }
    }
  }

  git_repository* m_repo;
  const std::vector<RefUpdate>& m_updates;
  const ReceiveOptions& m_options;
  std::map<std::string, RunView> m_runs;
  std::vector<Refusal> m_refusals;
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
