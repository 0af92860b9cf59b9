// git wave status: where a run is -- its waves, and per agent of the current
// wave its branch, worktree, commits, uncommitted changes, ownership
// violations, gate and elapsed time.
#include "cmd/commands.hpp"

#include "cli/color.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "git/wave_hooks.hpp"
#include "plan/ownership.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "remote/remote.hpp"
#include "remote/remote_run.hpp"
#include "run/claims.hpp"
#include "run/decisions.hpp"
#include "run/inspect.hpp"
#include "run/lock.hpp"
#include "run/select.hpp"
#include "run/store.hpp"
#include "util/duration.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace wave::cmd {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct Row {
  const run::AgentRun* record = nullptr;
  run::AgentView view;
  std::optional<git::HookWiring> hook; // when its worktree is there and the wave is not merged
};

// Is `agent` to blame for the failed gate `g`: a culprit, a failed step of
// its own, a violation, the conflicting branch?
bool blamed(const run::GateRecord& g, const std::string& agent) {
  if (std::find(g.culprits.begin(), g.culprits.end(), agent) != g.culprits.end()) {
    return true;
  }
  for (const auto& s : g.steps) {
    if (s.agent == agent && s.status != run::StepOutcome::pass && s.status != run::StepOutcome::skipped) {
      return true;
    }
  }
  for (const auto& v : g.violations) {
    if (v.agent == agent) {
      return true;
    }
  }
  return g.conflict && g.conflict->agent == agent;
}

bool anyone_blamed(const run::GateRecord& g, const std::vector<run::AgentRun>& agents) {
  return std::any_of(agents.begin(), agents.end(), [&](const auto& a) { return blamed(g, a.name); });
}

std::optional<std::int64_t> seconds_since(const std::string& when) {
  const auto t = run::parse_time(when);
  if (!t) {
    return std::nullopt;
  }
  const auto d = std::chrono::system_clock::now() - *t;
  return std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

// The gate as it concerns one agent: what was tested of its branch.
Json agent_gate_json(const run::WaveRun& w, const Row& row) {
  if (!w.gate) {
    return nullptr;
  }
  Json g = Json::object();
  g["result"] = to_string(w.gate->result);
  std::string tested;
  for (const auto& [agent, oid] : w.gate->tips) {
    if (agent == row.record->name) {
      tested = oid;
    }
  }
  g["tested_tip"] = tested.empty() ? Json(nullptr) : Json(tested);
  g["current"] = !tested.empty() && row.view.tip && *row.view.tip == tested;
  g["culprit"] =
      std::find(w.gate->culprits.begin(), w.gate->culprits.end(), row.record->name) != w.gate->culprits.end();
  return g;
}

// What the agent's attempts in wave `w` spent, as their agent CLIs
// reported it (run/usage.hpp); nothing when none reported any.
std::optional<run::Usage> spent(const run::WaveRun& w, const std::string& agent) {
  std::optional<run::Usage> total;
  for (const auto& a : w.attempts) {
    if (a.agent != agent || !a.usage) {
      continue;
    }
    if (!total) {
      total = run::Usage{};
    }
    if (a.usage->cost_usd) {
      total->cost_usd = total->cost_usd.value_or(0) + *a.usage->cost_usd;
    }
    if (a.usage->turns) {
      total->turns = total->turns.value_or(0) + *a.usage->turns;
    }
    total->input_tokens += a.usage->input_tokens;
    total->output_tokens += a.usage->output_tokens;
  }
  return total;
}

Json usage_json(const std::optional<run::Usage>& u) {
  if (!u) {
    return nullptr;
  }
  return Json{{"cost_usd", u->cost_usd ? Json(*u->cost_usd) : Json(nullptr)},
              {"turns", u->turns ? Json(*u->turns) : Json(nullptr)},
              {"input_tokens", u->input_tokens},
              {"output_tokens", u->output_tokens}};
}

Json changes_json(const std::vector<run::PathChange>& changes) {
  Json out = Json::array();
  for (const auto& c : changes) {
    out.push_back({{"status", std::string(1, c.status)}, {"path", c.path}});
  }
  return out;
}

// Where `agent` stands under `git wave run`: "-" before any attempt, else
// its latest attempt's end (or a person's decision) and the attempts
// launched, e.g. "stalled, 2 tries", "done (adopted)", "accepted".
std::string run_text(const run::State& state, const run::WaveRun& w, const std::string& agent) {
  const auto st = run::standing_of(state, w, agent);
  const std::string tries = st.launched == 0
                                ? std::string()
                                : fmt::format(", {} tr{}", st.launched, st.launched == 1 ? "y" : "ies");
  switch (st.standing) {
  case run::Standing::accepted:
    return "accepted" + tries;
  case run::Standing::relaunch:
    return "to relaunch" + tries;
  case run::Standing::done:
    return std::string(st.last->adopted ? "done (adopted)" : "done") + tries;
  case run::Standing::open:
    break;
  }
  if (st.last == nullptr) {
    return "-";
  }
  if (st.last->end == run::AttemptEnd::running) {
    return fmt::format("running #{}", st.last->number);
  }
  return std::string(run::to_string(st.last->end)) + tries;
}

Json run_json(const run::State& state, const run::WaveRun& w, const std::string& agent) {
  const auto st = run::standing_of(state, w, agent);
  Json j = Json::object();
  j["standing"] = run::to_string(st.standing);
  j["attempts"] = st.launched;
  j["last_end"] = st.last != nullptr ? Json(run::to_string(st.last->end)) : Json(nullptr);
  j["adopted"] = st.last != nullptr && st.last->adopted;
  j["decided_by"] = st.action != nullptr ? Json(st.action->by) : Json(nullptr);
  j["reason"] = st.action != nullptr ? Json(st.action->reason) : Json(nullptr);
  return j;
}

Json action_json(const run::Action& a) {
  return Json{{"kind", run::to_string(a.kind)},
              {"agent", a.agent},
              {"wave", a.wave},
              {"after_attempt", a.after_attempt},
              {"tip", a.tip},
              {"at", a.at},
              {"by", a.by},
              {"reason", a.reason}};
}

// A person's decisions, and the agents left out of the run.
void print_decisions(const cli::Painter& paint, const run::State& state, const plan::Plan& plan) {
  if (state.actions.empty()) {
    return;
  }
  fmt::print("\n{}\n", paint(cli::Color::bold, "decisions:"));
  for (const auto& a : state.actions) {
    fmt::print("  {} {} {}{}{}{}\n", util::escape_control(a.at), run::to_string(a.kind), a.agent,
               a.tip.empty() ? std::string() : " at " + util::escape_control(a.tip.substr(0, 7)),
               a.by.empty() ? std::string() : " by " + util::escape_control(a.by),
               a.reason.empty() ? std::string() : ": " + util::escape_control(a.reason));
  }
  const auto skipped = run::skipped_agents(state, plan);
  if (!skipped.empty()) {
    fmt::print("{}\n", paint(cli::Color::yellow, "left out of the run:"));
    for (const auto& [agent, why] : skipped) {
      fmt::print("  {}: {}\n", agent, util::escape_control(why));
    }
  }
}

// The gate as it concerns one agent: "fail" only for the agents it blames
// (all of them when it could blame nobody), "ok" for the others; "(moved)"
// when the branch moved since.
std::string gate_text(const run::WaveRun& w, const Row& row) {
  if (!w.gate) {
    return "-";
  }
  std::string text(to_string(w.gate->result));
  if (!w.gate->passed() && !blamed(*w.gate, row.record->name) && anyone_blamed(*w.gate, w.agents)) {
    text = "ok";
  }
  for (const auto& [agent, oid] : w.gate->tips) {
    if (agent == row.record->name && (!row.view.tip || *row.view.tip != oid)) {
      return text + " (moved)";
    }
  }
  return text;
}

struct Cell {
  std::string text;
  cli::Color color = cli::Color::none;
};

// Columns as wide as their widest cell, so that long values never break the
// alignment; colour is applied after padding.
class Table {
public:
  Table(std::vector<std::string> headers, std::vector<bool> right) : m_right(std::move(right)) {
    std::vector<Cell> h;
    for (auto& t : headers) {
      h.push_back({std::move(t)});
    }
    add(std::move(h));
  }

  void add(std::vector<Cell> row) {
    m_widths.resize(std::max(m_widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) {
      m_widths[i] = std::max(m_widths[i], row[i].text.size());
    }
    m_rows.push_back(std::move(row));
  }

  void print(const cli::Painter& paint) const {
    for (const auto& row : m_rows) {
      std::string line = " ";
      for (std::size_t i = 0; i < row.size(); ++i) {
        const bool last = i + 1 == row.size();
        const bool right = i < m_right.size() && m_right[i];
        const std::string padded = last && !right ? row[i].text
                                   : right        ? fmt::format("{:>{}}", row[i].text, m_widths[i])
                                                  : fmt::format("{:<{}}", row[i].text, m_widths[i]);
        line += " " + paint(row[i].color, padded) + (last ? "" : " ");
      }
      fmt::print("{}\n", line);
    }
  }

private:
  std::vector<bool> m_right;
  std::vector<std::size_t> m_widths;
  std::vector<std::vector<Cell>> m_rows;
};

std::string relative_to_cwd(const std::string& path) {
  std::error_code ec;
  const auto cwd = fs::current_path(ec);
  if (ec) {
    return path;
  }
  const std::string rel = fs::path(path).lexically_relative(cwd).string();
  return !rel.empty() && rel.size() < path.size() ? rel : path;
}

// A merged wave: what landed, calmly; its worktrees and branches are gone
// unless merge was told to keep them.
// What each agent's attempts of the wave spent, when their CLIs said.
void print_spent(const run::WaveRun& current, const std::vector<Row>& rows) {
  bool header = false;
  for (const auto& row : rows) {
    if (const auto u = spent(current, row.record->name)) {
      if (!header) {
        fmt::print("\nspent in this wave, as the agent CLIs report it:\n");
        header = true;
      }
      fmt::print("  {}: {}\n", row.record->name, run::describe(*u));
    }
  }
}

void print_merged(const cli::Painter& paint, const run::State& state, const run::WaveRun& current,
                  const std::vector<Row>& rows, const std::optional<std::string>& next_wave) {
  Table table({"AGENT", "BRANCH", "WORKTREE"}, {});
  for (const auto& row : rows) {
    const auto& a = *row.record;
    table.add({{a.name},
               {row.view.tip ? a.branch + " (kept)" : std::string("merged")},
               {!row.view.worktree_present   ? std::string("removed")
                : row.view.tip || !next_wave ? relative_to_cwd(a.worktree)
                                             : relative_to_cwd(a.worktree) + " (kept for the next wave)"}});
  }
  fmt::print("\n");
  table.print(paint);
  print_spent(current, rows);
  fmt::print("\n");
  if (next_wave) {
    fmt::print("next: wave {}; start it with 'git wave start'\n", *next_wave);
  } else {
    fmt::print("run '{}' is complete: every wave is merged into {}\n", state.run, state.integration);
  }
}

} // namespace

int status(const cli::Args& args) {
  std::string run_option;
  bool json = false;
  std::optional<cli::ColorWhen> color_flag;
  cli::Parser parser("status", "git wave status [--run <name>] [--json] [--remote <name>] [--color=<when>]",
                     "Show where a run is: its waves and, per agent of the current wave, branch, worktree, "
                     "commits ahead of the base, uncommitted changes, ownership violations, gate, whether "
                     "commits there run the ownership check, and time since the wave started.");
  parser.run(run_option, "the run to show (default: the current branch's, the only one, or the plan's)");
  parser.flag("--json", json, "print one JSON object (see git-wave-status(1))");
  std::string remote_option;
  parser.remote(remote_option);
  parser.color(color_flag);
  parser.parse(args);

  const git::Repo repo = git::open();
  git::require_full_history(repo.get());
  std::string run_name;
  try {
    run_name = run::select_run(repo.get(), run_option);
  } catch (const Error&) {
    if (remote_option.empty()) {
      throw;
    }
    run_name = cli::remote_run(git::common_dir(repo.get()), remote_option, run_option);
  }
  const std::string remote = cli::remote_of(repo.get(), run_name, remote_option);
  std::string fetched_from;
  if (!remote.empty()) {
    // The run as the remote has it: its state comes forward (never back).
    try {
      const auto here = run::load(repo.get(), run_name);
      const auto rr = flow::fetch_remote(repo.get(), remote, run_name, here ? here->state.integration : "");
      flow::forward_state(repo.get(), rr);
      fetched_from = remote;
    } catch (const Error& e) {
      if (!remote_option.empty()) {
        throw;
      }
      const cli::Painter err = cli::painter_for_stderr();
      fmt::print(stderr, "{} {}; showing this clone's record of run '{}'\n",
                 err(cli::Color::yellow, "warning:"), e.what(), run_name);
    }
  }
  const auto stored = run::load(repo.get(), run_name);
  if (!stored) {
    throw Error(fmt::format("there is no run '{}'", run_name));
  }
  const run::State& state = stored->state;
  auto parsed = plan::parse(stored->plan_text, fmt::format("plan of run '{}'", run_name));
  if (!parsed.plan) {
    throw Error(fmt::format("the plan recorded for run '{}' is not valid", run_name), exit_code::fatal,
                {fmt::format("see it with 'git show {}:plan.toml'", run::state_ref(run_name))});
  }
  const plan::Plan& plan = *parsed.plan;
  plan::Diagnostics ignored;
  const plan::Schedule schedule = plan::schedule(plan, false, ignored);
  const plan::Ownership ownership(plan);

  const run::WaveRun* current = state.current();
  // Claims of workers that drain the wave from other machines (as fetched).
  const auto claims = run::read_claims(repo.get(), state.run);
  std::vector<Row> rows;
  if (current != nullptr) {
    for (const auto& a : current->agents) {
      Row row;
      row.record = &a;
      if (const auto index = plan.find(a.name)) {
        row.view = run::inspect_agent(repo.get(), plan, ownership, *index, a);
      }
      if (row.view.worktree_present && current->status != run::WaveStatus::merged) {
        row.hook = git::pre_commit_wiring(a.worktree);
      }
      rows.push_back(std::move(row));
    }
  }
  std::optional<std::string> next_wave;
  {
    std::size_t next = 0;
    for (const auto& w : state.waves) {
      if (w.status == run::WaveStatus::merged) {
        if (const auto i = schedule.find_wave(w.label)) {
          next = std::max(next, *i + 1);
        }
      }
    }
    if (current != nullptr && current->status != run::WaveStatus::merged) {
      if (const auto i = schedule.find_wave(current->label)) {
        next = *i + 1;
      }
    }
    if (next < schedule.waves.size()) {
      next_wave = schedule.waves[next].label;
    }
  }

  const auto busy = run::lock_holder(repo.get(), state.run);
  if (json) {
    Json out = Json::object();
    out["run"] = state.run;
    out["busy"] = busy ? Json(*busy) : Json(nullptr);
    out["integration"] = state.integration;
    out["remote"] = remote.empty() ? Json(nullptr) : Json(remote);
    out["fetched"] = !fetched_from.empty();
    out["plan_commit"] = state.plan_commit;
    out["created_at"] = state.created_at;
    out["current_wave"] = current != nullptr ? Json(current->label) : Json(nullptr);
    out["next_wave"] = next_wave ? Json(*next_wave) : Json(nullptr);
    Json waves = Json::array();
    for (const auto& w : state.waves) {
      Json jw = Json::object();
      jw["label"] = w.label;
      jw["status"] = run::to_string(w.status);
      jw["base"] = w.base;
      jw["started_at"] = w.started_at;
      Json names = Json::array();
      for (const auto& a : w.agents) {
        names.push_back(a.name);
      }
      jw["agents"] = std::move(names);
      jw["gate"] = w.gate ? run::to_json(*w.gate) : Json(nullptr);
      jw["interrupted"] = w.intent && !busy ? run::to_json(*w.intent) : Json(nullptr);
      waves.push_back(std::move(jw));
    }
    out["waves"] = std::move(waves);
    Json agents = Json::array();
    for (const auto& row : rows) {
      const auto& a = *row.record;
      Json ja = Json::object();
      ja["name"] = a.name;
      ja["wave"] = current->label;
      ja["branch"] = a.branch;
      ja["worktree"] = a.worktree;
      ja["worktree_present"] = row.view.worktree_present;
      ja["base"] = a.base;
      ja["tip"] = row.view.tip ? Json(*row.view.tip) : Json(nullptr);
      ja["ahead"] = row.view.ahead;
      ja["setup"] = run::to_string(a.setup);
      ja["setup_log"] = a.setup_log;
      ja["committed"] = changes_json(row.view.committed);
      ja["uncommitted"] = changes_json(row.view.uncommitted);
      Json violations = Json::array();
      for (const auto& v : row.view.violations) {
        violations.push_back({{"path", v.path},
                              {"committed", v.committed},
                              {"owners", v.owners},
                              {"protected", v.is_protected}});
      }
      ja["violations"] = std::move(violations);
      ja["gate"] = agent_gate_json(*current, row);
      ja["hook"] = row.hook ? Json{{"runs", row.hook->runs},
                                   {"path", row.hook->hook.string()},
                                   {"detail", row.hook->detail}}
                            : Json(nullptr);
      const auto elapsed = seconds_since(current->started_at);
      ja["elapsed_seconds"] = elapsed ? Json(*elapsed) : Json(nullptr);
      const auto claim = claims.find(a.name);
      ja["claimed_by"] = claim != claims.end() ? Json(claim->second.by) : Json(nullptr);
      ja["run"] = run_json(state, *current, a.name);
      ja["usage"] = usage_json(spent(*current, a.name));
      agents.push_back(std::move(ja));
    }
    out["agents"] = std::move(agents);
    Json actions = Json::array();
    for (const auto& a : state.actions) {
      actions.push_back(action_json(a));
    }
    out["actions"] = std::move(actions);
    Json skipped = Json::object();
    for (const auto& [agent, why] : run::skipped_agents(state, plan)) {
      skipped[agent] = why;
    }
    out["skipped"] = std::move(skipped);
    fmt::print("{}\n", out.dump(2));
    return exit_code::ok;
  }

  const cli::Painter paint = cli::stdout_painter(color_flag, repo.get());
  fmt::print("{} {} into {}{}\n", paint(cli::Color::bold, "run"), paint(cli::Color::bold, state.run),
             state.integration,
             remote.empty()
                 ? std::string()
                 : fmt::format(", kept on '{}'{}", remote, fetched_from.empty() ? " (not fetched)" : ""));
  std::vector<std::string> waves;
  for (const auto& w : state.waves) {
    waves.push_back(fmt::format("{} {}", w.label, run::to_string(w.status)));
  }
  fmt::print("waves: {}{}\n", waves.empty() ? std::string("none started") : util::join(waves, ", "),
             next_wave ? fmt::format("; next: {}", *next_wave)
             : current != nullptr && current->status == run::WaveStatus::merged
                 ? std::string("; run complete")
                 : std::string("; no wave after it"));
  if (busy) {
    fmt::print("{} {}\n", paint(cli::Color::yellow, "busy:"), *busy);
  }
  if (const run::WaveRun* pending = state.pending(); pending != nullptr && !busy) {
    fmt::print("{} the {} of wave {} by a killed '{}' ({}) is unfinished: the next git wave command that "
               "changes the run finishes it ('git wave {}' does)\n",
               paint(cli::Color::yellow, "interrupted:"), run::to_string(pending->intent->kind),
               pending->label, util::escape_control(pending->intent->command),
               util::escape_control(pending->intent->started_at),
               pending->intent->kind == run::IntentKind::repair && !pending->intent->agents.empty()
                   ? "repair " + pending->intent->agents.front().name
                   : std::string(run::to_string(pending->intent->kind)));
  }
  if (current == nullptr) {
    fmt::print("no wave in progress: start one with 'git wave start'\n");
    return exit_code::ok;
  }
  const auto elapsed = seconds_since(current->started_at);
  if (current->status == run::WaveStatus::merged && current->merged) {
    fmt::print("wave {}: {} into {} ({}..{}) at {}\n", current->label, paint(cli::Color::green, "merged"),
               state.integration, git::short_oid(current->merged->from), git::short_oid(current->merged->to),
               current->merged->at);
  } else {
    fmt::print("wave {}: {}, started {} ago from {} at {}\n", current->label, run::to_string(current->status),
               elapsed ? util::format_duration(std::chrono::seconds(*elapsed)) : std::string("?"),
               state.integration, git::short_oid(current->base));
  }
  if (current->gate) {
    const auto color = current->gate->passed() ? cli::Color::green : cli::Color::red;
    fmt::print("gate: {}{}\n", paint(color, std::string(to_string(current->gate->result))),
               current->gate->culprits.empty()
                   ? std::string()
                   : fmt::format(" (culprits: {})", util::join(current->gate->culprits, ", ")));
  } else {
    fmt::print("gate: not run yet\n");
  }

  if (current->status == run::WaveStatus::merged) {
    print_merged(paint, state, *current, rows, next_wave);
    print_decisions(paint, state, plan);
    return exit_code::ok;
  }

  Table table({"AGENT", "RUN", "AHEAD", "UNCOMMITTED", "VIOLATIONS", "SETUP", "GATE", "HOOK", "WORKTREE"},
              {false, false, true, true, true, false, false, false, false});
  for (const auto& row : rows) {
    const auto& a = *row.record;
    const std::string gate = gate_text(*current, row);
    const std::string hook = row.hook ? (row.hook->runs ? "yes" : "NO") : "-";
    const std::string ran = run_text(state, *current, a.name);
    const bool troubled = ran != "-" && !ran.starts_with("done") && !ran.starts_with("accepted") &&
                          !ran.starts_with("running") && !ran.starts_with("to relaunch");
    table.add({{a.name},
               {ran, troubled ? cli::Color::red : cli::Color::none},
               {row.view.tip ? std::to_string(row.view.ahead) : std::string("gone"),
                row.view.tip ? cli::Color::none : cli::Color::red},
               {std::to_string(row.view.uncommitted.size())},
               {std::to_string(row.view.violations.size()),
                row.view.violations.empty() ? cli::Color::none : cli::Color::red},
               {std::string(run::to_string(a.setup)),
                a.setup == run::Setup::ok ? cli::Color::none : cli::Color::red},
               {gate, gate.starts_with("fail")   ? cli::Color::red
                      : gate.starts_with("pass") ? cli::Color::green
                                                 : cli::Color::none},
               {hook, row.hook && !row.hook->runs ? cli::Color::yellow : cli::Color::none},
               {row.view.worktree_present ? relative_to_cwd(a.worktree)
                                          : relative_to_cwd(a.worktree) + " (missing)",
                row.view.worktree_present ? cli::Color::none : cli::Color::red}});
  }
  fmt::print("\n");
  table.print(paint);
  print_spent(*current, rows);
  bool unchecked = false;
  for (const auto& row : rows) {
    if (row.hook && !row.hook->runs) {
      if (!unchecked) {
        fmt::print("\n{}\n", paint(cli::Color::yellow, "commits not checked by the pre-commit hook:"));
        unchecked = true;
      }
      fmt::print("  {}: {}\n", row.record->name, row.hook->detail);
    }
  }
  bool any = false;
  for (const auto& row : rows) {
    std::size_t listed = 0;
    for (const auto& v : row.view.violations) {
      if (listed++ == util::max_listed) {
        fmt::print("  {}: {} (--json lists them all)\n", row.record->name,
                   util::and_more(row.view.violations.size() - util::max_listed));
        break;
      }
      if (!any) {
        fmt::print("\n{}\n", paint(cli::Color::red, "ownership violations:"));
        any = true;
      }
      std::string who = v.is_protected     ? std::string("protected")
                        : v.owners.empty() ? std::string("owned by no agent")
                                           : "owned by " + util::join(v.owners, ", ");
      fmt::print("  {}: {} ({}, {})\n", row.record->name, util::quote_path(v.path), v.committed ? "committed" : "uncommitted",
                 who);
    }
  }
  for (const auto& row : rows) {
    const auto& vs = row.view.violations;
    if (std::any_of(vs.begin(), vs.end(), [](const auto& v) { return v.committed; })) {
      fmt::print("{} 'git wave repair {}' drops {}'s committed changes to files it does not own (its "
                 "commits are kept under an archive ref)\n",
                 paint(cli::Color::yellow, "hint:"), row.record->name, row.record->name);
    }
  }
  for (const auto& row : rows) {
    if (row.record->setup == run::Setup::failed) {
      fmt::print("\nsetup of '{}' failed: see {}\n", row.record->name, row.record->setup_log);
    }
  }
  print_decisions(paint, state, plan);
  bool claimed = false;
  for (const auto& row : rows) {
    if (const auto c = claims.find(row.record->name); c != claims.end()) {
      if (!claimed) {
        fmt::print("\nclaimed (by workers on other machines, as last fetched):\n");
        claimed = true;
      }
      fmt::print("  {}: by {} since {}\n", c->first, c->second.by, c->second.at);
    }
  }
  return exit_code::ok;
}

} // namespace wave::cmd
