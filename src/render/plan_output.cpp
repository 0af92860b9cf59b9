#include "render/plan_output.hpp"

#include "plan/graph.hpp"
#include "util/duration.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace wave::render {

namespace {

using plan::Plan;
using plan::Schedule;
using plan::Split;

std::string cost_text(const Schedule& s, double cost) {
  if (s.estimated) {
    return util::format_duration(std::chrono::milliseconds(std::llround(cost)));
  }
  const auto n = std::llround(cost);
  return fmt::format("{} task{}", n, n == 1 ? "" : "s");
}

std::string names(const Plan& plan, const std::vector<std::size_t>& agents, std::string_view sep) {
  std::vector<std::string> out;
  out.reserve(agents.size());
  for (const auto a : agents) {
    out.push_back(plan.agents[a].name);
  }
  return util::join(out, sep);
}

std::string owns_text(const plan::Agent& agent) {
  if (agent.read_only()) {
    return "(read-only)";
  }
  std::vector<std::string> out;
  for (const auto& p : agent.owns) {
    out.push_back(p.value);
  }
  return util::join(out, ", ");
}

std::string wave_heading(const Plan& plan, const plan::Wave& wave) {
  switch (wave.split) {
  case Split::exclusive:
    return fmt::format("wave {} (exclusive)", wave.label);
  case Split::overlap: {
    std::vector<std::string> why;
    for (const auto& o : wave.overlaps) {
      why.push_back(o.undecided ? fmt::format("'{}' may overlap '{}' (too complex to decide)",
                                              plan.agents[o.agent].name, plan.agents[o.other].name)
                                : fmt::format("'{}' overlaps '{}' on '{}'", plan.agents[o.agent].name,
                                              plan.agents[o.other].name, util::escape_control(o.witness)));
    }
    return fmt::format("wave {} (split: {})", wave.label, util::join(why, "; "));
  }
  case Split::none:
    break;
  }
  return fmt::format("wave {}", wave.label);
}

// The commands the gate runs: the plan's on the combined result of every
// wave, and each agent's own in its worktree.
std::string gate_text(const Plan& plan, const cli::Painter& paint) {
  const auto commands = [](const std::vector<std::string>& list) {
    std::vector<std::string> out;
    for (const auto& c : list) {
      out.push_back(util::quote(util::escape_control(c)));
    }
    return util::join(out, ", ");
  };
  std::string out;
  if (plan.gate.commands.empty()) {
    out += fmt::format("{} none: waves merge after the ownership audit and the agents' own gates\n",
                       paint(cli::Color::bold, "gate:"));
  } else {
    out += fmt::format("{} {} (timeout {}{})\n", paint(cli::Color::bold, "gate:"), commands(plan.gate.commands),
                       util::format_duration(plan.gate.timeout),
                       !plan.gate.bisect ? std::string()
                       : *plan.gate.bisect == 0
                           ? std::string(", no bisection")
                           : fmt::format(", bisection in at most {} run{}", *plan.gate.bisect,
                                         *plan.gate.bisect == 1 ? "" : "s"));
  }
  for (const auto& agent : plan.agents) {
    if (!agent.gate.empty()) {
      out += fmt::format("  {} gate: {}\n", agent.name, commands(agent.gate));
    }
  }
  return out;
}

} // namespace

std::string plan_text(const Plan& plan, const Schedule& s, const plan::Diagnostics& diagnostics, bool split,
                      const cli::Painter& paint) {
  constexpr std::size_t task_width = 48;
  std::size_t name_width = 5;
  std::size_t task_col = 4;
  for (const auto& a : plan.agents) {
    name_width = std::max(name_width, a.name.size());
    task_col = std::max(task_col, std::min(a.task.size(), task_width));
  }
  std::string out;
  out += fmt::format("plan {}: run '{}' on {}, {} agent{} in {} wave{}{}\n", util::quote(plan.file), plan.name,
                     plan.base.empty() ? std::string("the current branch") : util::quote(plan.base),
                     plan.agents.size(), plan.agents.size() == 1 ? "" : "s", s.waves.size(),
                     s.waves.size() == 1 ? "" : "s", split ? " (overlapping agents split)" : "");
  for (const auto& wave : s.waves) {
    out += "\n" + paint(cli::Color::bold, wave_heading(plan, wave)) + "\n";
    for (const auto a : wave.agents) {
      const auto& agent = plan.agents[a];
      const std::string name = fmt::format("{:<{}}", agent.name, name_width);
      const std::string task =
          fmt::format("{:<{}}", cli::fit(util::escape_control(agent.task), task_width), task_col);
      out += fmt::format("  {}  {}  {}\n", paint(cli::Color::green, name), task, owns_text(agent));
    }
  }
  out += "\n";
  out += gate_text(plan, paint);
  out += fmt::format("{} {} ({})\n", paint(cli::Color::bold, "critical path:"), names(plan, s.critical_path, " -> "),
                     cost_text(s, s.critical));
  out += fmt::format("{} {:.2f}x ({} one after another, {} in waves)\n", paint(cli::Color::bold, "speedup:"),
                     s.speedup, cost_text(s, s.sequential), cost_text(s, s.parallel));
  out +=
      fmt::format("{} {:.2f}x ({}, each agent started as soon as its dependencies are done, no barriers)\n",
                  paint(cli::Color::bold, "eager:"), s.eager_speedup, cost_text(s, s.eager));
  const auto warnings = diagnostics.count(plan::Severity::warning);
  out += fmt::format("{}{}\n", paint(cli::Color::green, "plan is valid"),
                     warnings == 0 ? std::string()
                                   : paint(cli::Color::yellow, fmt::format(" ({} warning{})", warnings,
                                                                      warnings == 1 ? "" : "s")));
  return out;
}

nlohmann::ordered_json plan_json(const std::string& file, const Plan* plan, const Schedule* s,
                         const plan::Diagnostics& diagnostics, bool split) {
  using json = nlohmann::ordered_json;
  json doc;
  doc["file"] = file;
  doc["valid"] = !diagnostics.has_errors();
  doc["split"] = split;
  doc["name"] = plan ? json(plan->name) : json(nullptr);
  doc["base"] = plan && !plan->base.empty() ? json(plan->base) : json(nullptr);
  doc["max_parallel"] = plan ? json(plan->max_parallel) : json(nullptr);
  doc["overlap"] = plan ? json(plan->overlap == plan::OverlapPolicy::split ? "split" : "error") : json(nullptr);
  doc["merge"] = plan ? json(plan->merge == plan::MergeStyle::squash ? "squash" : "merge") : json(nullptr);
  json protected_paths = json::array();
  json gate = nullptr;
  if (plan) {
    for (const auto& p : plan->protected_paths) {
      protected_paths.push_back(p.value);
    }
    gate = {{"commands", plan->gate.commands}, {"timeout_ms", plan->gate.timeout.count()}};
  }
  doc["protected"] = protected_paths;
  doc["gate"] = gate;
  json waves = json::array();
  json agents = json::array();
  json critical = json::array();
  json cost = nullptr;
  json speedup = nullptr;
  json eager_speedup = nullptr;
  if (plan && s) {
    for (const auto& w : s->waves) {
      json overlaps = json::array();
      for (const auto& o : w.overlaps) {
        overlaps.push_back({{"agent", plan->agents[o.agent].name},
                            {"other", plan->agents[o.other].name},
                            {"pattern", o.pattern},
                            {"other_pattern", o.other_pattern},
                            {"witness", o.witness}});
      }
      std::vector<std::string> members;
      for (const auto a : w.agents) {
        members.push_back(plan->agents[a].name);
      }
      const char* why = w.split == Split::exclusive ? "exclusive" : w.split == Split::overlap ? "overlap" : "none";
      waves.push_back({{"label", w.label}, {"level", w.level}, {"agents", members}, {"split", why},
                       {"overlaps", overlaps}});
    }
    for (std::size_t i = 0; i < plan->agents.size(); ++i) {
      const auto& a = plan->agents[i];
      std::vector<std::string> after;
      for (const auto& d : a.after) {
        after.push_back(d.value);
      }
      std::vector<std::string> owns;
      for (const auto& o : a.owns) {
        owns.push_back(o.value);
      }
      const bool on_path = std::find(s->critical_path.begin(), s->critical_path.end(), i) != s->critical_path.end();
      agents.push_back({{"name", a.name},
                        {"task", a.task},
                        {"title", plan::title_of(a)},
                        {"wave", s->waves[s->wave_of[i]].label},
                        {"level", s->waves[s->wave_of[i]].level},
                        {"after", after},
                        {"owns", owns},
                        {"read_only", a.read_only()},
                        {"exclusive", a.exclusive},
                        {"pin", a.wave ? json(*a.wave) : json(nullptr)},
                        {"gate", a.gate},
                        {"estimate_ms", a.estimate ? json(a.estimate->count()) : json(nullptr)},
                        {"cost", s->cost[i]},
                        {"critical", on_path}});
    }
    for (const auto a : s->critical_path) {
      critical.push_back(plan->agents[a].name);
    }
    cost = {{"unit", s->estimated ? "ms" : "task"},
            {"sequential", s->sequential},
            {"parallel", s->parallel},
            {"critical_path", s->critical},
            {"eager", s->eager}};
    speedup = s->speedup;
    eager_speedup = s->eager_speedup;
  }
  doc["waves"] = waves;
  doc["agents"] = agents;
  doc["critical_path"] = critical;
  doc["cost"] = cost;
  doc["speedup"] = speedup;
  doc["eager_speedup"] = eager_speedup;
  json items = json::array();
  for (const auto& d : diagnostics.items) {
    items.push_back({{"severity", plan::severity_name(d.severity)},
                     {"file", file},
                     {"line", d.where.line > 0 ? json(d.where.line) : json(nullptr)},
                     {"column", d.where.line > 0 ? json(d.where.column) : json(nullptr)},
                     {"message", d.message},
                     {"hint", d.hint.empty() ? json(nullptr) : json(d.hint)}});
  }
  doc["diagnostics"] = items;
  return doc;
}

namespace {

// A double-quoted string for dot.
std::string dot_quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

// Text inside a Mermaid "..." label: quotes and markup characters as entities.
std::string mermaid_text(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
    case '"':
      out += "#quot;";
      break;
    case '<':
      out += "#lt;";
      break;
    case '>':
      out += "#gt;";
      break;
    case '#':
      out += "#35;";
      break;
    case '\n':
      out += ' ';
      break;
    default:
      out += c;
    }
  }
  return out;
}

bool on_critical_edge(const Schedule& s, std::size_t from, std::size_t to) {
  for (std::size_t i = 0; i + 1 < s.critical_path.size(); ++i) {
    if (s.critical_path[i] == from && s.critical_path[i + 1] == to) {
      return true;
    }
  }
  return false;
}

} // namespace

std::string plan_dot(const Plan& plan, const Schedule& s) {
  std::string out = fmt::format("digraph {} {{\n", dot_quote(plan.name));
  out += "  rankdir=LR;\n  compound=true;\n  node [shape=box, style=rounded];\n";
  for (std::size_t w = 0; w < s.waves.size(); ++w) {
    const auto& wave = s.waves[w];
    out += fmt::format("  subgraph {} {{\n    label={};\n", dot_quote(fmt::format("cluster_wave_{}", wave.label)),
                       dot_quote(fmt::format("wave {}", wave.label)));
    for (const auto a : wave.agents) {
      const auto& agent = plan.agents[a];
      const bool critical = std::find(s.critical_path.begin(), s.critical_path.end(), a) != s.critical_path.end();
      out += fmt::format("    {} [label={}, tooltip={}{}];\n", dot_quote(agent.name), dot_quote(agent.name),
                         dot_quote(agent.task), critical ? ", penwidth=2" : "");
    }
    out += "  }\n";
  }
  const auto deps = plan::dependencies(plan);
  for (std::size_t i = 0; i < plan.agents.size(); ++i) {
    for (const auto d : deps[i]) {
      out += fmt::format("  {} -> {}{};\n", dot_quote(plan.agents[d].name), dot_quote(plan.agents[i].name),
                         on_critical_edge(s, d, i) ? " [penwidth=2, color=red]" : "");
    }
  }
  // Sub-waves of one level run one after another: show the order.
  for (std::size_t w = 1; w < s.waves.size(); ++w) {
    if (s.waves[w].level == s.waves[w - 1].level) {
      out += fmt::format("  {} -> {} [style=dashed, ltail={}, lhead={}];\n",
                         dot_quote(plan.agents[s.waves[w - 1].agents.front()].name),
                         dot_quote(plan.agents[s.waves[w].agents.front()].name),
                         dot_quote(fmt::format("cluster_wave_{}", s.waves[w - 1].label)),
                         dot_quote(fmt::format("cluster_wave_{}", s.waves[w].label)));
    }
  }
  out += "}\n";
  return out;
}

std::string plan_mermaid(const Plan& plan, const Schedule& s) {
  std::string out = "flowchart LR\n";
  for (std::size_t w = 0; w < s.waves.size(); ++w) {
    const auto& wave = s.waves[w];
    out += fmt::format("  subgraph w{}[\"wave {}\"]\n", w, wave.label);
    for (const auto a : wave.agents) {
      out += fmt::format("    a{}[\"{}\"]\n", a, mermaid_text(plan.agents[a].name));
    }
    out += "  end\n";
  }
  const auto deps = plan::dependencies(plan);
  std::size_t link = 0;
  std::vector<std::size_t> critical_links;
  for (std::size_t i = 0; i < plan.agents.size(); ++i) {
    for (const auto d : deps[i]) {
      out += fmt::format("  a{} --> a{}\n", d, i);
      if (on_critical_edge(s, d, i)) {
        critical_links.push_back(link);
      }
      ++link;
    }
  }
  for (std::size_t w = 1; w < s.waves.size(); ++w) {
    if (s.waves[w].level == s.waves[w - 1].level) {
      out += fmt::format("  w{} -.-> w{}\n", w - 1, w);
    }
  }
  if (!s.critical_path.empty()) {
    std::vector<std::string> ids;
    for (const auto a : s.critical_path) {
      ids.push_back(fmt::format("a{}", a));
    }
    out += "  classDef critical stroke-width:3px\n";
    out += fmt::format("  class {} critical\n", util::join(ids, ","));
  }
  if (!critical_links.empty()) {
    std::vector<std::string> ids;
    for (const auto l : critical_links) {
      ids.push_back(std::to_string(l));
    }
    out += fmt::format("  linkStyle {} stroke-width:3px\n", util::join(ids, ","));
  }
  return out;
}

} // namespace wave::render
