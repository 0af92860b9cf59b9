#include "render/report_output.hpp"

#include "run/state.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace wave::render {

namespace {

using report::duration_text;
using report::Report;
using report::Seconds;
using report::WaveReport;
using Json = nlohmann::ordered_json;

std::string clock_text(const Report& r, Seconds s) {
  return run::format_time(std::chrono::system_clock::time_point(std::chrono::seconds(r.origin + s)));
}

std::string speed(double x) {
  return fmt::format("{:.2f}x", x);
}

std::string approximate_note(const Report& r) {
  std::vector<std::string> labels;
  for (const auto& w : r.waves) {
    if (w.approximate) {
      labels.push_back(w.label);
    }
  }
  return fmt::format(
      "approximate: wave{} {} not launched by 'git wave run': each agent counts from its wave's "
      "start to its last commit",
      labels.size() == 1 ? "" : "s", util::join(labels, ", "));
}

// One lane of the character timeline: '=' an attempt whose work was kept,
// 'x' one redone, '~' times read from commits, '.' done and waiting for the
// slowest of the wave, 'G' the gate, 'M' the merge.
std::string lane(const Report& r, const WaveReport& w, const report::AgentReport& a, std::size_t width,
                 const cli::Painter& paint) {
  std::string cells(width, ' ');
  const auto col = [&](Seconds t) {
    if (r.wall <= 0) {
      return std::size_t{0};
    }
    const auto c = static_cast<std::size_t>(std::max<Seconds>(0, t) * static_cast<Seconds>(width) / r.wall);
    return std::min(c, width - 1);
  };
  const auto fill = [&](Seconds from, Seconds to, char c) {
    const auto a0 = col(from);
    const auto a1 = std::max(a0 + 1, col(to));
    for (std::size_t i = a0; i < a1 && i < width; ++i) {
      cells[i] = c;
    }
  };
  Seconds done = 0;
  for (const auto& other : w.agents) {
    done = std::max(done, other.exited.value_or(0));
  }
  if (a.exited && done > *a.exited) {
    fill(*a.exited, done, '.');
  }
  for (std::size_t i = 0; i < a.attempts.size(); ++i) {
    fill(a.attempts[i].span.start, a.attempts[i].span.end,
         w.approximate && a.attempts[i].end == "commits" ? '~'
         : a.redone[i]                                   ? 'x'
                                                         : '=');
  }
  for (const auto& g : w.earlier_gates) {
    fill(g.start, g.end, 'G');
  }
  if (w.gate) {
    fill(w.gate->start, w.gate->end, 'G');
  }
  if (w.merge) {
    fill(w.merge->start, w.merge->end, 'M');
  }
  // Colour runs of one character at a time.
  std::string out;
  for (std::size_t i = 0; i < width;) {
    std::size_t j = i;
    while (j < width && cells[j] == cells[i]) {
      ++j;
    }
    const std::string run = cells.substr(i, j - i);
    switch (cells[i]) {
    case '=':
      out += paint(cli::Color::green, run);
      break;
    case 'x':
      out += paint(cli::Color::red, run);
      break;
    case '~':
      out += paint(cli::Color::yellow, run);
      break;
    case 'G':
      out += paint(cli::Color::magenta, run);
      break;
    case 'M':
      out += paint(cli::Color::cyan, run);
      break;
    case '.':
      out += paint(cli::Color::dim, run);
      break;
    default:
      out += run;
    }
    i = j;
  }
  // Trailing blanks are no part of the picture.
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

// Per agent: its time at work, attempts, and when it was launched, committed,
// exited, gated and merged (seconds since the run's start), and how long it
// waited for the slowest of its wave.
std::string agents_text(const Report& r, const cli::Painter& paint) {
  const auto at = [](const std::optional<Seconds>& s) { return s ? duration_text(*s) : std::string("-"); };
  std::vector<std::vector<std::string>> rows{{"WAVE", "AGENT", "WORK", "TRIES", "LAUNCHED", "COMMITS",
                                              "EXITED", "GATED", "MERGED", "WAITED", "ESTIMATE"}};
  for (const auto& w : r.waves) {
    for (const auto& a : w.agents) {
      std::string commits = "-";
      if (a.first_commit && a.last_commit) {
        commits = *a.first_commit == *a.last_commit ? at(a.first_commit)
                                                    : at(a.first_commit) + ".." + at(a.last_commit);
      }
      rows.push_back(
          {w.label + (w.aborted ? " (aborted)" : ""), a.name + (a.actual_critical ? "*" : ""),
           duration_text(a.work), std::to_string(a.attempts.size()), at(a.launched), commits,
           a.running ? std::string("running") : at(a.exited), at(a.gated), at(a.merged),
           duration_text(a.waiting),
           a.estimate ? duration_text(static_cast<Seconds>(*a.estimate + 0.5)) : std::string("-")});
    }
  }
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  for (std::size_t n = 0; n < rows.size(); ++n) {
    std::string line;
    for (std::size_t i = 0; i < rows[n].size(); ++i) {
      const std::string cell = fmt::format("{:<{}}", rows[n][i], i + 1 == rows[n].size() ? 0 : widths[i]);
      line += (i == 0 ? "" : "  ") + (n == 0 ? paint(cli::Color::bold, cell) : cell);
    }
    out += line + "\n";
  }
  return out;
}

std::string timeline_text(const Report& r, const cli::Painter& paint, std::size_t width) {
  std::size_t name_width = 4;
  for (const auto& w : r.waves) {
    for (const auto& a : w.agents) {
      name_width = std::max(name_width, a.name.size() + 1);
    }
  }
  const auto label_of = [](const WaveReport& w) {
    return fmt::format("wave {}{}", w.label, w.aborted ? " (aborted)" : "");
  };
  std::size_t label_width = 0;
  for (const auto& w : r.waves) {
    label_width = std::max(label_width, label_of(w).size());
  }
  const std::size_t lead = label_width + 2 + name_width + 1;
  std::string out = fmt::format("{:<{}}0s{:>{}}\n", "timeline", lead, duration_text(r.wall), width - 2);
  for (const auto& w : r.waves) {
    bool first = true;
    for (const auto& a : w.agents) {
      const std::string name = a.name + (a.actual_critical ? "*" : "");
      out += fmt::format("{:<{}}  {}{} {}\n", first ? label_of(w) : std::string(), label_width,
                         a.actual_critical ? paint(cli::Color::bold, name) : name,
                         std::string(name_width - std::min(name_width, name.size()), ' '),
                         lane(r, w, a, width, paint));
      first = false;
    }
  }
  out += paint(cli::Color::dim,
               "= at work  x redone  ~ from commits  . done, waiting for the slowest  G gate  M merge  "
               "* actual critical path") +
         "\n";
  return out;
}

} // namespace

std::string report_text(const Report& r, const cli::Painter& paint, std::size_t width) {
  std::size_t merged = 0;
  std::size_t agents = 0;
  for (const auto& w : r.waves) {
    merged += !w.aborted && w.merge ? 1 : 0;
    agents += w.aborted ? 0 : w.agents.size();
  }
  std::string out;
  out += fmt::format("{} {}: {} of {} wave{} merged, {} agent{}, wall-clock {} from {}{}\n",
                     paint(cli::Color::bold, "run"), paint(cli::Color::bold, r.run), merged, r.plan_waves,
                     r.plan_waves == 1 ? "" : "s", agents, agents == 1 ? "" : "s", duration_text(r.wall),
                     clock_text(r, 0),
                     r.running    ? " (still running)"
                     : r.finished ? ""
                                  : " (not finished)");
  if (r.approximate) {
    out += paint(cli::Color::yellow, approximate_note(r)) + "\n";
  }
  out += "\n";
  const std::string pad(10, ' ');
  out += fmt::format("{}  {} ({} of agent time{} in {} of wall-clock)\n", paint(cli::Color::bold, "speedup "),
                     paint(cli::Color::bold, "actual " + speed(r.speedup.actual)), duration_text(r.agent_time),
                     r.retries > 0 ? fmt::format(", {} of it redone,", duration_text(r.retries)) : "",
                     duration_text(r.wall));
  out += fmt::format("{}theoretical {} in waves, {} eager (the plan's estimates)\n", pad,
                     speed(r.speedup.theoretical), speed(r.speedup.theoretical_eager));
  out += fmt::format("{}with the actual durations {} in waves ({}), {} eager ({}, no barriers)\n", pad,
                     speed(r.speedup.waves), duration_text(r.waves_time), speed(r.speedup.eager),
                     duration_text(r.eager_time));
  if (!r.lost.empty()) {
    out += fmt::format("{}  {} planned -> {} actual, {}\n", paint(cli::Color::bold, "lost    "),
                       speed(r.speedup.theoretical), speed(r.speedup.actual),
                       r.speedup.actual < r.speedup.theoretical ? "lost to" : "time still lost to");
    for (const auto& l : r.lost) {
      out += fmt::format("{}{}\n", pad, l);
    }
  }
  out +=
      fmt::format("{}  agents at work {}, retries {} (attempts a later one redid), gates {}{}, merges {}\n",
                  paint(cli::Color::bold, "time    "), duration_text(r.time.working),
                  duration_text(r.time.retries), duration_text(r.time.gates),
                  r.time.failed_gates > 0 ? fmt::format(", failed gates {} (bisection included)",
                                                        duration_text(r.time.failed_gates))
                                          : std::string(),
                  duration_text(r.time.merges));
  out +=
      fmt::format("{}blocked (waiting for a person) {}, idle in waves {}, between waves {}{}\n", pad,
                  duration_text(r.time.blocked), duration_text(r.time.idle), duration_text(r.time.between),
                  r.time.aborted > 0 ? fmt::format(", aborted waves {}", duration_text(r.time.aborted)) : "");
  out +=
      fmt::format("{}(each second of wall-clock counted once; retries and the redone part of agent time are "
                  "the same attempts, counted in wall-clock and in agent time)\n",
                  pad);
  out += fmt::format("{}agents done, waiting for the slowest of their wave: {} of agent time\n", pad,
                     duration_text(r.waiting));
  out += fmt::format("{}  planned {}\n", paint(cli::Color::bold, "critical"),
                     r.planned_critical.empty() ? "-" : util::join(r.planned_critical, " -> "));
  out += fmt::format("{}  actual  {} ({})\n", paint(cli::Color::bold, "path    "),
                     r.actual_critical.empty() ? "-" : util::join(r.actual_critical, " -> "),
                     duration_text(r.eager_time));
  if (r.spent) {
    out += fmt::format("{}  {} by the agents, as their CLIs reported it{}\n", paint(cli::Color::bold, "spent   "),
                       run::describe(*r.spent),
                       r.spent_redone ? fmt::format("; {} of it by attempts redone", run::describe(*r.spent_redone))
                                      : std::string());
  }
  for (const auto& w : r.waves) {
    if (w.bisect_runs && *w.bisect_runs > 0) {
      out += fmt::format("{}wave {}: its last gate failed; bisection ran the gate {} more time{}\n", pad,
                         w.label, *w.bisect_runs, *w.bisect_runs == 1 ? "" : "s");
    }
  }
  if (!r.marks.empty()) {
    out += fmt::format("{}  ", paint(cli::Color::bold, "stepped "));
    bool first = true;
    for (const auto& m : r.marks) {
      out += fmt::format("{}{}{} {}\n", first ? "" : pad + "  ", clock_text(r, m.at),
                         m.wave.empty() ? std::string() : " wave " + m.wave + ":", m.what);
      first = false;
    }
  }
  if (!r.waves.empty()) {
    out += "\n" + agents_text(r, paint);
    out += "\n" + timeline_text(r, paint, std::max<std::size_t>(width, 10));
  }
  return out;
}

namespace {

Json usage_json(const std::optional<run::Usage>& u) {
  if (!u) {
    return nullptr;
  }
  return Json{{"cost_usd", u->cost_usd ? Json(*u->cost_usd) : Json(nullptr)},
              {"turns", u->turns ? Json(*u->turns) : Json(nullptr)},
              {"input_tokens", u->input_tokens},
              {"output_tokens", u->output_tokens}};
}

} // namespace

Json report_json(const Report& r) {
  const auto opt = [](const std::optional<Seconds>& s) { return s ? Json(*s) : Json(nullptr); };
  Json doc = Json::object();
  doc["run"] = r.run;
  doc["approximate"] = r.approximate;
  doc["finished"] = r.finished;
  doc["running"] = r.running;
  doc["origin"] = clock_text(r, 0);
  doc["plan_waves"] = r.plan_waves;
  doc["wall_seconds"] = r.wall;
  doc["agent_seconds"] = r.agent_time;
  doc["waves_seconds"] = r.waves_time;
  doc["eager_seconds"] = r.eager_time;
  doc["speedup"] = {{"actual", r.speedup.actual},
                    {"theoretical", r.speedup.theoretical},
                    {"theoretical_eager", r.speedup.theoretical_eager},
                    {"waves", r.speedup.waves},
                    {"eager", r.speedup.eager}};
  doc["time"] = {{"working", r.time.working}, {"retries", r.time.retries},
                 {"gates", r.time.gates},     {"failed_gates", r.time.failed_gates},
                 {"merges", r.time.merges},   {"blocked", r.time.blocked},
                 {"idle", r.time.idle},       {"between", r.time.between},
                 {"aborted", r.time.aborted}};
  doc["waiting_seconds"] = r.waiting;
  doc["retry_seconds"] = r.retries;
  doc["serial_seconds"] = r.serial;
  doc["lost"] = r.lost;
  doc["critical_path"] = {{"planned", r.planned_critical}, {"actual", r.actual_critical}};
  Json waves = Json::array();
  for (const auto& w : r.waves) {
    Json jw = Json::object();
    jw["label"] = w.label;
    jw["aborted"] = w.aborted;
    jw["approximate"] = w.approximate;
    jw["started"] = w.started;
    jw["end"] = w.end;
    jw["gate"] = w.gate ? Json{{"start", w.gate->start}, {"end", w.gate->end}, {"passed", w.gate_passed}}
                        : Json(nullptr);
    Json earlier = Json::array();
    for (const auto& g : w.earlier_gates) {
      earlier.push_back({{"start", g.start}, {"end", g.end}});
    }
    jw["earlier_gates"] = std::move(earlier);
    jw["bisect_runs"] = w.bisect_runs ? Json(*w.bisect_runs) : Json(nullptr);
    Json blocked = Json::array();
    for (const auto& b : w.blocked) {
      blocked.push_back({{"start", b.start}, {"end", b.end}});
    }
    jw["blocked"] = std::move(blocked);
    jw["merge"] = w.merge ? Json{{"start", w.merge->start}, {"end", w.merge->end}} : Json(nullptr);
    jw["slowest_seconds"] = w.slowest;
    jw["running_seconds"] = w.running;
    jw["serial_seconds"] = w.serial;
    Json agents = Json::array();
    for (const auto& a : w.agents) {
      Json attempts = Json::array();
      for (std::size_t i = 0; i < a.attempts.size(); ++i) {
        const auto& at = a.attempts[i];
        attempts.push_back({{"number", at.number},
                            {"start", at.span.start},
                            {"end", at.span.end},
                            {"seconds", at.span.length()},
                            {"ended", at.end},
                            {"redone", static_cast<bool>(a.redone[i])},
                            {"spent", usage_json(at.usage)}});
      }
      agents.push_back({{"name", a.name},
                        {"launched", opt(a.launched)},
                        {"first_commit", opt(a.first_commit)},
                        {"last_commit", opt(a.last_commit)},
                        {"exited", opt(a.exited)},
                        {"gated", opt(a.gated)},
                        {"merged", opt(a.merged)},
                        {"work_seconds", a.work},
                        {"retry_seconds", a.retries},
                        {"waiting_seconds", a.waiting},
                        {"estimate_seconds", a.estimate ? Json(*a.estimate) : Json(nullptr)},
                        {"planned_critical", a.planned_critical},
                        {"actual_critical", a.actual_critical},
                        {"running", a.running},
                        {"attempts", std::move(attempts)},
                        {"spent", usage_json(a.spent)},
                        {"spent_redone", usage_json(a.spent_redone)}});
    }
    jw["agents"] = std::move(agents);
    jw["spent"] = usage_json(w.spent);
    waves.push_back(std::move(jw));
  }
  doc["waves"] = std::move(waves);
  Json marks = Json::array();
  for (const auto& m : r.marks) {
    marks.push_back({{"at", m.at}, {"wave", m.wave}, {"what", m.what}});
  }
  doc["marks"] = std::move(marks);
  doc["spent"] = usage_json(r.spent);
  doc["spent_redone"] = usage_json(r.spent_redone);
  return doc;
}

} // namespace wave::render
