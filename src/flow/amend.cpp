#include "flow/amend.hpp"

#include "core/error.hpp"
#include "git/identity.hpp"
#include "plan/compare.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "run/decisions.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace wave::flow {

namespace {

std::vector<std::string> values(const std::vector<plan::Located>& list) {
  std::vector<std::string> out;
  for (const auto& l : list) {
    out.push_back(l.value);
  }
  return out;
}

} // namespace

std::vector<std::string> amend_problems(const plan::Plan& old, const plan::Plan& now,
                                        const run::State& state) {
  std::vector<std::string> problems;
  if (now.name != state.run) {
    problems.push_back(fmt::format("the plan names run '{}', not '{}': a renamed plan is a new run",
                                   util::escape_control(now.name), state.run));
  }
  if (now.base != old.base) {
    problems.push_back(fmt::format("its base is '{}', not '{}' as the run integrates into",
                                   util::escape_control(now.base), old.base));
  }
  if (now.remote != old.remote) {
    problems.push_back(fmt::format("it keeps the run on remote '{}', not '{}'",
                                   util::escape_control(now.remote), old.remote));
  }
  plan::Diagnostics diagnostics;
  diagnostics.file = now.file;
  const plan::Schedule schedule = plan::schedule(now, false, diagnostics);
  if (diagnostics.has_errors()) {
    for (const auto& d : diagnostics.items) {
      if (d.severity == plan::Severity::error) {
        problems.push_back(plan::format(now.file, d));
      }
    }
  }
  if (problems.empty()) {
    const auto skipped = run::skipped_agents(state, now);
    std::size_t k = 0;
    for (const auto& w : state.waves) {
      if (w.status == run::WaveStatus::aborted) {
        continue;
      }
      if (k >= schedule.waves.size() || schedule.waves[k].label != w.label) {
        problems.push_back(
            fmt::format("wave {} has started, and the plan has no such wave in its place", w.label));
        break;
      }
      std::set<std::string> planned;
      for (const auto i : schedule.waves[k].agents) {
        if (skipped.count(now.agents[i].name) == 0) {
          planned.insert(now.agents[i].name);
        }
      }
      std::set<std::string> started;
      for (const auto& a : w.agents) {
        started.insert(a.name);
      }
      if (planned != started) {
        problems.push_back(fmt::format(
            "wave {} has started with {}, and the plan puts {} in it", w.label,
            util::join(std::vector<std::string>(started.begin(), started.end()), ", "),
            planned.empty() ? std::string("no agent")
                            : util::join(std::vector<std::string>(planned.begin(), planned.end()), ", ")));
      }
      for (const auto& a : w.agents) {
        const auto i = old.find(a.name);
        const auto j = now.find(a.name);
        if (!i || !j) {
          continue; // told above
        }
        if (values(old.agents[*i].owns) != values(now.agents[*j].owns)) {
          problems.push_back(fmt::format("agent '{}' of wave {}, which has started, owns {} instead of {}",
                                         a.name, w.label, util::join(values(now.agents[*j].owns), " "),
                                         util::join(values(old.agents[*i].owns), " ")));
        }
        if (values(old.agents[*i].after) != values(now.agents[*j].after)) {
          problems.push_back(fmt::format("agent '{}' of wave {}, which has started, waits for other agents",
                                         a.name, w.label));
        }
      }
      ++k;
    }
  }
  return problems;
}

Amended amend(const AmendInput& in) {
  auto stored = run::load(in.repo, in.run);
  if (!stored) {
    throw Error(fmt::format("run '{}' has not started: there is nothing to amend", in.run), exit_code::fatal,
                {"'git wave start' or 'git wave run' starts it with the committed plan"});
  }
  const run::State& state = stored->state;
  Amended out;
  out.from = state.plan_commit;
  if (stored->plan_text == in.text) {
    out.same = true;
    return out;
  }
  auto parsed = plan::parse(stored->plan_text, "wave.toml (recorded)");
  if (!parsed.plan) {
    throw Error(fmt::format("the plan recorded for run '{}' is not valid", in.run));
  }
  const plan::Plan& old = *parsed.plan;
  const plan::Plan& now = *in.plan;

  const std::vector<std::string> problems = amend_problems(old, now, state);
  if (!problems.empty()) {
    std::vector<std::string> hints(problems.begin() + 1, problems.end());
    hints.push_back(
        "only the waves not yet started can change; to change the rest, start a new run (give the "
        "plan another name)");
    throw Error(fmt::format("cannot amend run '{}': {}", in.run, problems.front()), exit_code::fatal,
                std::move(hints));
  }

  out.changes = plan::differences(old, now);
  if (out.changes.empty()) {
    out.changes.push_back("only its layout or comments changed");
  }
  if (in.dry_run) {
    return out;
  }
  run::State next = state;
  next.plan_commit = in.plan_commit;
  next.plan_path = in.plan_path;
  run::Amendment a;
  a.at = run::now_text();
  a.by = git::committer(git_repository_commondir(in.repo));
  a.from = state.plan_commit;
  a.to = in.plan_commit;
  a.changes = out.changes;
  next.amendments.push_back(std::move(a));
  run::save(in.repo, in.run, next, in.text, fmt::format("amend the plan to {}", in.plan_commit.substr(0, 12)),
            stored->commit);
  return out;
}

} // namespace wave::flow
