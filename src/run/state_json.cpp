// state.json: the run state read and written, every field checked on the
// way in (a message naming the field), unknown fields kept.
#include "run/state.hpp"

#include "core/error.hpp"
#include "git/refname.hpp"
#include "plan/name.hpp"
#include "run/state_fields.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::run {

namespace {

using namespace detail;

std::string item(std::string_view where, std::size_t i) {
  return fmt::format("{}[{}]", where, i);
}

void add_extra(Json& out, const Json& extra) {
  for (const auto& [key, value] : extra.items()) {
    if (!out.contains(key)) {
      out[key] = value;
    }
  }
}

AgentRun read_agent(const Json& j, const std::string& where) {
  Fields f(j, where);
  AgentRun a;
  a.name = f.text("name");
  if (const auto problem = plan::name_problem(a.name)) {
    invalid(f.path("name"), fmt::format("agent name '{}' {}", util::shown(a.name), *problem));
  }
  a.branch = f.text("branch");
  a.worktree = f.text("worktree");
  a.reused = f.text("reused", false);
  a.base = f.text("base");
  const auto setup = f.text("setup");
  const auto parsed = parse_setup(setup);
  if (!parsed) {
    invalid(f.path("setup"), fmt::format("unknown value '{}'", setup));
  }
  a.setup = *parsed;
  a.setup_log = f.text("setup_log", false);
  a.extra = f.extra();
  return a;
}

GateStep read_step(const Json& j, const std::string& where) {
  Fields f(j, where);
  GateStep s;
  s.name = f.text("name");
  s.agent = f.text("agent", false);
  s.command = f.text("command", false);
  s.status = f.choice<StepOutcome>("status");
  s.duration_ms = f.integer("duration_ms");
  s.log = f.text("log", false);
  s.detail = f.text("detail", false);
  s.extra = f.extra();
  return s;
}

GateRecord read_gate(const Json& j, const std::string& where) {
  Fields f(j, where);
  GateRecord g;
  g.result = f.choice<GateResult>("result");
  g.base = f.text("base");
  if (const Json* tips = f.get("tips"); tips != nullptr) {
    if (!tips->is_object()) {
      invalid(f.path("tips"), "not an object");
    }
    for (const auto& [agent, oid] : tips->items()) {
      if (!oid.is_string()) {
        invalid(fmt::format("{}.{}", f.path("tips"), agent), "not a string");
      }
      g.tips.emplace_back(agent, oid.get<std::string>());
    }
  }
  g.candidate = f.text("candidate", false);
  g.started_at = f.text("started_at", false);
  g.finished_at = f.text("finished_at", false);
  const Json& steps = f.array("steps");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    g.steps.push_back(read_step(steps[i], item(f.path("steps"), i)));
  }
  g.culprits = f.strings("culprits");
  g.summary = f.text("summary", false);
  if (const Json* runs = f.get("bisect_runs"); runs != nullptr && !runs->is_null()) {
    if (!runs->is_number_integer()) {
      invalid(f.path("bisect_runs"), "not an integer");
    }
    g.bisect_runs = runs->get<int>();
  }
  if (const Json* c = f.get("conflict"); c != nullptr && !c->is_null()) {
    Fields cf(*c, f.path("conflict"));
    MergeConflict conflict;
    conflict.agent = cf.text("agent");
    conflict.with = cf.strings("with");
    conflict.paths = cf.strings("paths");
    conflict.extra = cf.extra();
    g.conflict = std::move(conflict);
  }
  const Json& violations = f.array("violations");
  for (std::size_t i = 0; i < violations.size(); ++i) {
    Fields vf(violations[i], item(f.path("violations"), i));
    Violation v;
    v.agent = vf.text("agent");
    v.path = vf.text("path");
    v.owners = vf.strings("owners");
    v.is_protected = vf.boolean("protected");
    v.commit = vf.text("commit", false);
    v.extra = vf.extra();
    g.violations.push_back(std::move(v));
  }
  g.extra = f.extra();
  return g;
}

// Version 1 marked a merge under way with merged.landing {pid, host, keep}:
// it becomes the merge intent.
MergeRecord read_merge(const Json& j, const std::string& where, std::optional<Intent>& v1_landing) {
  Fields f(j, where);
  MergeRecord m;
  m.from = f.text("from");
  m.to = f.text("to");
  m.at = f.text("at", false);
  m.finished_at = f.text("finished_at", false);
  m.archive = f.text("archive", false);
  if (const Json* landing = f.get("landing"); landing != nullptr && landing->is_object()) {
    Intent in;
    in.kind = IntentKind::merge;
    in.started_at = m.at;
    in.command = "git wave merge";
    in.keep = landing->value("keep", false);
    v1_landing = std::move(in);
  }
  m.extra = f.extra();
  return m;
}

Intent read_intent(const Json& j, const std::string& where) {
  Fields f(j, where);
  Intent in;
  in.kind = f.choice<IntentKind>("kind");
  in.started_at = f.text("started_at", false);
  in.command = f.text("command", false);
  in.keep = f.boolean("keep");
  in.archive = f.text("archive", false);
  const Json& agents = f.array("agents");
  for (std::size_t i = 0; i < agents.size(); ++i) {
    Fields af(agents[i], item(f.path("agents"), i));
    IntentAgent a;
    a.name = af.text("name");
    if (const auto problem = plan::name_problem(a.name)) {
      invalid(af.path("name"), fmt::format("agent name '{}' {}", util::shown(a.name), *problem));
    }
    a.from = af.text("from", false);
    a.to = af.text("to", false);
    a.index = af.text("index", false);
    a.extra = af.extra();
    in.agents.push_back(std::move(a));
  }
  in.extra = f.extra();
  return in;
}

Attempt read_attempt(const Json& j, const std::string& where) {
  Fields f(j, where);
  Attempt a;
  a.agent = f.text("agent");
  a.number = static_cast<int>(f.integer("number"));
  a.launched_at = f.text("launched_at", false);
  a.exited_at = f.text("exited_at", false);
  a.end = f.choice<AttemptEnd>("end");
  a.exit_code = static_cast<int>(f.integer("exit_code"));
  a.detail = f.text("detail", false);
  a.log = f.text("log", false);
  a.adopted = f.boolean("adopted");
  a.tip = f.text("tip", false);
  if (const Json* u = f.get("usage"); u != nullptr && !u->is_null()) {
    const std::string at = f.path("usage");
    Fields uf(*u, at);
    Usage usage;
    if (const Json* cost = uf.get("cost_usd"); cost != nullptr && !cost->is_null()) {
      if (!cost->is_number()) {
        invalid(uf.path("cost_usd"), "not a number or null");
      }
      usage.cost_usd = cost->get<double>();
    }
    if (const Json* turns = uf.get("turns"); turns != nullptr && !turns->is_null()) {
      if (!turns->is_number_integer()) {
        invalid(uf.path("turns"), "not an integer or null");
      }
      usage.turns = turns->get<int>();
    }
    usage.input_tokens = uf.integer("input_tokens");
    usage.output_tokens = uf.integer("output_tokens");
    a.usage = usage;
    a.usage_extra = uf.extra();
  }
  a.extra = f.extra();
  return a;
}

Action read_action(const Json& j, const std::string& where) {
  Fields f(j, where);
  Action a;
  a.kind = f.choice<ActionKind>("kind");
  a.agent = f.text("agent");
  if (const auto problem = plan::name_problem(a.agent)) {
    invalid(f.path("agent"), fmt::format("agent name '{}' {}", util::shown(a.agent), *problem));
  }
  a.wave = f.text("wave", false);
  a.wave_started_at = f.text("wave_started_at", false);
  a.after_attempt = static_cast<int>(f.integer("after_attempt"));
  a.tip = f.text("tip", false);
  a.branch = f.text("branch", false);
  a.worktree = f.text("worktree", false);
  a.at = f.text("at", false);
  a.by = f.text("by", false);
  a.reason = f.text("reason", false);
  a.extra = f.extra();
  return a;
}

Amendment read_amendment(const Json& j, const std::string& where) {
  Fields f(j, where);
  Amendment a;
  a.at = f.text("at", false);
  a.by = f.text("by", false);
  a.from = f.text("from");
  a.to = f.text("to");
  a.changes = f.strings("changes");
  a.extra = f.extra();
  return a;
}

Json write_amendment(const Amendment& a) {
  Json j = Json::object();
  j["at"] = a.at;
  j["by"] = a.by;
  j["from"] = a.from;
  j["to"] = a.to;
  j["changes"] = a.changes;
  add_extra(j, a.extra);
  return j;
}

Json write_action(const Action& a) {
  Json j = Json::object();
  j["kind"] = to_string(a.kind);
  j["agent"] = a.agent;
  j["wave"] = a.wave;
  j["wave_started_at"] = a.wave_started_at;
  j["after_attempt"] = a.after_attempt;
  j["tip"] = a.tip;
  if (!a.branch.empty()) {
    j["branch"] = a.branch;
  }
  if (!a.worktree.empty()) {
    j["worktree"] = a.worktree;
  }
  j["at"] = a.at;
  j["by"] = a.by;
  j["reason"] = a.reason;
  add_extra(j, a.extra);
  return j;
}

Json write_attempt(const Attempt& a) {
  Json j = Json::object();
  j["agent"] = a.agent;
  j["number"] = a.number;
  j["launched_at"] = a.launched_at;
  j["exited_at"] = a.exited_at;
  j["end"] = to_string(a.end);
  j["exit_code"] = a.exit_code;
  j["detail"] = a.detail;
  j["log"] = a.log;
  if (a.adopted) {
    j["adopted"] = true;
  }
  if (!a.tip.empty()) {
    j["tip"] = a.tip;
  }
  if (a.usage) {
    Json u = Json::object();
    u["cost_usd"] = a.usage->cost_usd ? Json(*a.usage->cost_usd) : Json(nullptr);
    u["turns"] = a.usage->turns ? Json(*a.usage->turns) : Json(nullptr);
    u["input_tokens"] = a.usage->input_tokens;
    u["output_tokens"] = a.usage->output_tokens;
    add_extra(u, a.usage_extra);
    j["usage"] = std::move(u);
  }
  add_extra(j, a.extra);
  return j;
}

Json write_intent_json(const Intent& in) {
  Json j = Json::object();
  j["kind"] = to_string(in.kind);
  j["started_at"] = in.started_at;
  j["command"] = in.command;
  j["keep"] = in.keep;
  j["archive"] = in.archive;
  Json agents = Json::array();
  for (const auto& a : in.agents) {
    Json agent = {{"name", a.name}, {"from", a.from}, {"to", a.to}, {"index", a.index}};
    add_extra(agent, a.extra);
    agents.push_back(std::move(agent));
  }
  j["agents"] = std::move(agents);
  add_extra(j, in.extra);
  return j;
}

WaveRun read_wave(const Json& j, const std::string& where) {
  Fields f(j, where);
  WaveRun w;
  w.label = f.text("label");
  const auto status = f.text("status");
  const auto parsed = parse_wave_status(status);
  if (!parsed) {
    invalid(f.path("status"), fmt::format("unknown value '{}'", status));
  }
  w.status = *parsed;
  w.base = f.text("base");
  w.started_at = f.text("started_at", false);
  const Json& agents = f.array("agents");
  for (std::size_t i = 0; i < agents.size(); ++i) {
    w.agents.push_back(read_agent(agents[i], item(f.path("agents"), i)));
  }
  if (const Json* gate = f.get("gate"); gate != nullptr && !gate->is_null()) {
    w.gate = read_gate(*gate, f.path("gate"));
  }
  const Json& earlier = f.array("earlier_gates");
  for (std::size_t i = 0; i < earlier.size(); ++i) {
    Fields g(earlier[i], item(f.path("earlier_gates"), i));
    GateTimes times;
    times.started_at = g.text("started_at", false);
    times.finished_at = g.text("finished_at", false);
    times.result = g.choice<GateResult>("result");
    times.extra = g.extra();
    w.earlier_gates.push_back(std::move(times));
  }
  std::optional<Intent> v1_landing;
  if (const Json* merged = f.get("merged"); merged != nullptr && !merged->is_null()) {
    w.merged = read_merge(*merged, f.path("merged"), v1_landing);
  }
  w.archive = f.optional_text("archive");
  if (const Json* intent = f.get("intent"); intent != nullptr && !intent->is_null()) {
    w.intent = read_intent(*intent, f.path("intent"));
  } else {
    w.intent = std::move(v1_landing);
  }
  const Json& attempts = f.array("attempts");
  for (std::size_t i = 0; i < attempts.size(); ++i) {
    w.attempts.push_back(read_attempt(attempts[i], item(f.path("attempts"), i)));
  }
  const Json& pauses = f.array("pauses");
  for (std::size_t i = 0; i < pauses.size(); ++i) {
    Fields pf(pauses[i], item(f.path("pauses"), i));
    Pause p;
    p.at = pf.text("at");
    p.until = pf.text("until", false);
    p.why = pf.text("why", false);
    p.extra = pf.extra();
    w.pauses.push_back(std::move(p));
  }
  w.extra = f.extra();
  return w;
}

Json write_agent(const AgentRun& a) {
  Json j = Json::object();
  j["name"] = a.name;
  j["branch"] = a.branch;
  j["worktree"] = a.worktree;
  if (!a.reused.empty()) {
    j["reused"] = a.reused;
  }
  j["base"] = a.base;
  j["setup"] = to_string(a.setup);
  j["setup_log"] = a.setup_log;
  add_extra(j, a.extra);
  return j;
}

Json write_gate(const GateRecord& g) {
  Json j = Json::object();
  j["result"] = to_string(g.result);
  j["base"] = g.base;
  Json tips = Json::object();
  for (const auto& [agent, oid] : g.tips) {
    tips[agent] = oid;
  }
  j["tips"] = std::move(tips);
  j["candidate"] = g.candidate;
  j["started_at"] = g.started_at;
  j["finished_at"] = g.finished_at;
  Json steps = Json::array();
  for (const auto& s : g.steps) {
    Json step = Json::object();
    step["name"] = s.name;
    step["agent"] = s.agent;
    step["command"] = s.command;
    step["status"] = to_string(s.status);
    step["duration_ms"] = s.duration_ms;
    step["log"] = s.log;
    if (!s.detail.empty()) {
      step["detail"] = s.detail;
    }
    add_extra(step, s.extra);
    steps.push_back(std::move(step));
  }
  j["steps"] = std::move(steps);
  j["culprits"] = g.culprits;
  if (!g.summary.empty()) {
    j["summary"] = g.summary;
  }
  if (g.bisect_runs) {
    j["bisect_runs"] = *g.bisect_runs;
  }
  if (g.conflict) {
    Json conflict = {{"agent", g.conflict->agent}, {"with", g.conflict->with}, {"paths", g.conflict->paths}};
    add_extra(conflict, g.conflict->extra);
    j["conflict"] = std::move(conflict);
  }
  if (!g.violations.empty()) {
    Json violations = Json::array();
    for (const auto& v : g.violations) {
      Json violation = {{"agent", v.agent},
                        {"path", v.path},
                        {"owners", v.owners},
                        {"protected", v.is_protected},
                        {"commit", v.commit}};
      add_extra(violation, v.extra);
      violations.push_back(std::move(violation));
    }
    j["violations"] = std::move(violations);
  }
  add_extra(j, g.extra);
  return j;
}

Json write_wave(const WaveRun& w) {
  Json j = Json::object();
  j["label"] = w.label;
  j["status"] = to_string(w.status);
  j["base"] = w.base;
  j["started_at"] = w.started_at;
  Json agents = Json::array();
  for (const auto& a : w.agents) {
    agents.push_back(write_agent(a));
  }
  j["agents"] = std::move(agents);
  j["gate"] = w.gate ? write_gate(*w.gate) : Json(nullptr);
  if (!w.earlier_gates.empty()) {
    Json earlier = Json::array();
    for (const auto& g : w.earlier_gates) {
      Json times = {
          {"started_at", g.started_at}, {"finished_at", g.finished_at}, {"result", to_string(g.result)}};
      add_extra(times, g.extra);
      earlier.push_back(std::move(times));
    }
    j["earlier_gates"] = std::move(earlier);
  }
  if (w.merged) {
    Json m = Json::object();
    m["from"] = w.merged->from;
    m["to"] = w.merged->to;
    m["at"] = w.merged->at;
    if (!w.merged->finished_at.empty()) {
      m["finished_at"] = w.merged->finished_at;
    }
    if (!w.merged->archive.empty()) {
      m["archive"] = w.merged->archive;
    }
    add_extra(m, w.merged->extra);
    j["merged"] = std::move(m);
  } else {
    j["merged"] = nullptr;
  }
  j["archive"] = w.archive ? Json(*w.archive) : Json(nullptr);
  j["intent"] = w.intent ? write_intent_json(*w.intent) : Json(nullptr);
  Json attempts = Json::array();
  for (const auto& a : w.attempts) {
    attempts.push_back(write_attempt(a));
  }
  j["attempts"] = std::move(attempts);
  if (!w.pauses.empty()) {
    Json pauses = Json::array();
    for (const auto& p : w.pauses) {
      Json jp = {{"at", p.at}, {"until", p.until}, {"why", p.why}};
      add_extra(jp, p.extra);
      pauses.push_back(std::move(jp));
    }
    j["pauses"] = std::move(pauses);
  }
  add_extra(j, w.extra);
  return j;
}
} // namespace

Json to_json(const GateRecord& gate) {
  return write_gate(gate);
}

Json to_json(const Intent& intent) {
  return write_intent_json(intent);
}

std::string to_json_text(const State& state) {
  Json j = Json::object();
  j["version"] = state.version;
  j["run"] = state.run;
  j["integration"] = state.integration;
  j["plan_commit"] = state.plan_commit;
  if (!state.plan_path.empty()) {
    j["plan_path"] = state.plan_path;
  }
  j["created_at"] = state.created_at;
  Json waves = Json::array();
  for (const auto& w : state.waves) {
    waves.push_back(write_wave(w));
  }
  j["waves"] = std::move(waves);
  if (!state.actions.empty()) {
    Json actions = Json::array();
    for (const auto& a : state.actions) {
      actions.push_back(write_action(a));
    }
    j["actions"] = std::move(actions);
  }
  if (!state.amendments.empty()) {
    Json amendments = Json::array();
    for (const auto& a : state.amendments) {
      amendments.push_back(write_amendment(a));
    }
    j["amendments"] = std::move(amendments);
  }
  add_extra(j, state.extra);
  return j.dump(2) + "\n";
}

State from_json_text(std::string_view text) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    invalid("state.json", e.what());
  }
  Fields f(j, "");
  State s;
  const auto version = f.integer("version");
  if (version < 1 || version > state_version) {
    throw Error(fmt::format("run state version {} is not supported (this git wave reads versions 1 to {})",
                            version, state_version),
                exit_code::fatal, {"use the git wave that started the run, or a newer one"});
  }
  s.version = state_version; // written back as the current version
  s.run = f.text("run");
  if (const auto problem = plan::name_problem(s.run)) {
    invalid(f.path("run"), fmt::format("run name '{}' {}", util::shown(s.run), *problem));
  }
  s.integration = f.text("integration");
  if (const auto problem = git::branch_name_problem(s.integration)) {
    invalid(f.path("integration"), fmt::format("branch name '{}' {}", util::shown(s.integration), *problem));
  }
  s.plan_commit = f.text("plan_commit");
  s.plan_path = f.text("plan_path", false);
  s.created_at = f.text("created_at", false);
  const Json& waves = f.array("waves");
  for (std::size_t i = 0; i < waves.size(); ++i) {
    s.waves.push_back(read_wave(waves[i], item("waves", i)));
  }
  const Json& actions = f.array("actions");
  for (std::size_t i = 0; i < actions.size(); ++i) {
    s.actions.push_back(read_action(actions[i], item("actions", i)));
  }
  const Json& amendments = f.array("amendments");
  for (std::size_t i = 0; i < amendments.size(); ++i) {
    s.amendments.push_back(read_amendment(amendments[i], item("amendments", i)));
  }
  s.extra = f.extra();
  return s;
}

} // namespace wave::run
