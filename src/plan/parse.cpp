#include "plan/parse.hpp"

#include "plan/name.hpp"
#include "plan/preset.hpp"

#include "git/refname.hpp"
#include "plan/schedule.hpp"
#include "plan/source.hpp"
#include "plan/validate.hpp"
#include "util/duration.hpp"
#include "util/log_cap.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <limits>

namespace wave::plan {

namespace {

using std::string_view_literals::operator""sv;

constexpr std::array plan_keys{"name"sv,    "base"sv,           "max_parallel"sv, "protected"sv,
                               "overlap"sv, "merge"sv,          "worktrees"sv,    "setup"sv,
                               "copy"sv,    "gate"sv,           "agent"sv,        "run"sv,
                               "remote"sv,  "case_sensitive"sv, "allow_empty"sv};
constexpr std::array run_keys{"launch"sv,  "agent"sv,        "timeout"sv,        "idle_timeout"sv,
                              "retries"sv, "stagger"sv,      "notify"sv,         "budget_usd"sv,
                              "log_cap"sv, "budget_turns"sv, "budget_attempts"sv};
constexpr std::array gate_keys{"commands"sv, "timeout"sv, "bisect"sv};
constexpr std::array agent_keys{
    "name"sv,        "task"sv,  "title"sv,      "owns"sv,         "after"sv,          "wave"sv,
    "exclusive"sv,   "gate"sv,  "estimate"sv,   "setup"sv,        "copy"sv,           "launch"sv,
    "allow_empty"sv, "agent"sv, "budget_usd"sv, "budget_turns"sv, "budget_attempts"sv};

Location at(const toml::source_region& region) {
  return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

// "a string", "an integer", ... for "must be X, not Y" messages.
std::string_view type_name(toml::node_type type) {
  switch (type) {
  case toml::node_type::string:
    return "a string";
  case toml::node_type::integer:
    return "an integer";
  case toml::node_type::floating_point:
    return "a float";
  case toml::node_type::boolean:
    return "a boolean";
  case toml::node_type::table:
    return "a table";
  case toml::node_type::array:
    return "an array";
  case toml::node_type::date:
    return "a date";
  case toml::node_type::time:
    return "a time";
  case toml::node_type::date_time:
    return "a date-time";
  case toml::node_type::none:
    break;
  }
  return "nothing";
}

// toml++ says "Error while parsing key-value pair: expected value, saw '\n'";
// we say "TOML syntax error in key-value pair: expected value, saw '\n'".
std::string syntax_message(std::string_view description, std::string_view text,
                           const toml::source_region& where) {
  constexpr auto prefix = "Error while parsing "sv;
  std::string rest(description);
  // toml++ names its build setting: say what it means instead.
  if (const auto macro = rest.find(" (TOML_"); macro != std::string::npos) {
    rest.erase(macro, rest.find(')', macro) + 1 - macro);
  }
  // toml++ 3.3 garbles a quoted key it cannot redefine ('"naname" ' for
  // "name"): name the key as written on its line instead.
  if (rest.find("key-value pair: cannot redefine existing") != std::string::npos && where.begin.line > 0) {
    std::size_t pos = 0;
    for (std::size_t line = 1; line < where.begin.line && pos != std::string_view::npos; ++line) {
      pos = text.find('\n', pos);
      pos = pos == std::string_view::npos ? pos : pos + 1;
    }
    if (pos != std::string_view::npos) {
      const auto line = text.substr(pos, text.find('\n', pos) - pos);
      const auto eq = line.find('=');
      auto key = util::trim(line.substr(0, eq));
      if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front() &&
          key.find('.') == std::string_view::npos) {
        key = key.substr(1, key.size() - 2); // "name" is the key name
      }
      if (eq != std::string_view::npos && !key.empty()) {
        return fmt::format("TOML syntax error: duplicate key '{}': it is already defined above",
                           util::shown(key));
      }
    }
  }
  if (util::starts_with(rest, prefix)) {
    rest = "in " + rest.substr(prefix.size());
  } else if (!rest.empty()) {
    rest[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(rest[0])));
  }
  return "TOML syntax error " + rest;
}

// The largest integer a plan may give: pins and max_parallel beyond it are
// mistakes, and it keeps wave arithmetic far from overflow.
constexpr int max_integer = 1'000'000;

// `pattern` without its '.' components, which git accepts in pathspecs and
// drops: "./src/**" is "src/**", "src/./a" is "src/a", "src/." is "src/",
// "." and "./" are the whole tree ("**"). Anything else is left as written
// for pattern::parse() to judge.
std::string normalise_pattern(std::string_view pattern) {
  if (pattern.find('.') == std::string_view::npos) {
    return std::string(pattern);
  }
  std::vector<std::string> kept;
  bool trailing_dot = false;
  const auto parts = util::split(pattern, '/');
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == ".") {
      trailing_dot = i + 1 == parts.size();
      continue;
    }
    if (parts[i].empty() && i + 1 == parts.size() && kept.empty() && i > 0) {
      continue; // "./": the whole tree
    }
    kept.push_back(parts[i]);
  }
  if (kept.empty()) {
    return "**";
  }
  std::string out = util::join(kept, "/");
  if (trailing_dot && !out.ends_with('/')) {
    out += '/';
  }
  return out;
}

// Reads the values of one TOML table into the model, reporting what is wrong.
class Reader {
public:
  Reader(const toml::table& table, std::string context, std::string_view text, Diagnostics& diagnostics)
      : m_table(table), m_context(std::move(context)), m_text(text), m_diagnostics(diagnostics) {}

  template <std::size_t N> void check_keys(const std::array<std::string_view, N>& known) {
    const std::vector<std::string> candidates(known.begin(), known.end());
    for (auto&& [key, value] : m_table) {
      if (std::find(known.begin(), known.end(), key.str()) != known.end()) {
        continue;
      }
      std::string hint;
      if (auto best = util::nearest(key.str(), candidates)) {
        hint = fmt::format("did you mean '{}'?", *best);
      } else {
        hint = fmt::format("known keys here: {}", util::join(candidates, ", "));
      }
      m_diagnostics.error(at(key.source()),
                          fmt::format("unknown key '{}' in {}", util::shown(key.str()), m_context), hint);
    }
  }

  const toml::node* find(std::string_view key) const { return m_table.get(key); }

  void wrong_type(std::string_view key, const toml::node& node, std::string_view expected,
                  std::string hint = {}) {
    m_diagnostics.error(at(node.source()),
                        fmt::format("'{}' must be {}, not {}", key, expected, type_name(node.type())),
                        std::move(hint));
  }

  std::optional<Located> string(std::string_view key, std::string_view example) {
    const auto* node = find(key);
    if (node == nullptr) {
      return std::nullopt;
    }
    if (const auto* s = node->as_string()) {
      return Located{s->get(), at(node->source())};
    }
    wrong_type(key, *node, "a string", fmt::format("write {} = \"{}\"", key, example));
    return std::nullopt;
  }

  std::vector<Located> strings(std::string_view key, std::string_view example) {
    std::vector<Located> out;
    const auto* node = find(key);
    if (node == nullptr) {
      return out;
    }
    const auto* array = node->as_array();
    if (array == nullptr) {
      wrong_type(key, *node, "an array of strings", fmt::format("write {} = [\"{}\"]", key, example));
      return out;
    }
    for (const auto& element : *array) {
      if (const auto* s = element.as_string()) {
        out.push_back({s->get(), at(element.source())});
      } else {
        m_diagnostics.error(at(element.source()),
                            fmt::format("'{}' must hold strings, not {}", key, type_name(element.type())),
                            fmt::format("write {} = [\"{}\"]", key, example));
      }
    }
    return out;
  }

  // Patterns (owns, protected): strings without control characters, with
  // '.' components dropped as git does ("./src/**" is "src/**").
  std::vector<Located> patterns(std::string_view key, std::string_view example) {
    std::vector<Located> out;
    for (auto& item : strings(key, example)) {
      if (!printable(item, key)) {
        continue;
      }
      item.value = normalise_pattern(item.value);
      out.push_back(std::move(item));
    }
    return out;
  }

  // False, after reporting it at the character, when `item` (the value of
  // `key`) holds a control character: it becomes a path or a command.
  bool printable(const Located& item, std::string_view key) {
    std::size_t offset = 0;
    if (!util::has_control(item.value, &offset)) {
      return true;
    }
    m_diagnostics.error(string_offset(m_text, item.where, offset),
                        fmt::format("control character in '{}': '{}'", key, util::shown(item.value)),
                        "paths and commands may not hold control characters (\\n, \\t, \\e, \\u0000...): "
                        "remove it");
    return false;
  }

  // Non-empty strings: commands and paths.
  std::vector<std::string> texts(std::string_view key, std::string_view example, std::string_view what) {
    std::vector<std::string> out;
    for (auto& item : strings(key, example)) {
      if (util::trim(item.value).empty()) {
        m_diagnostics.error(item.where, fmt::format("empty {} in '{}'", what, key),
                            fmt::format("remove the empty entry, or write {} = [\"{}\"]", key, example));
        continue;
      }
      if (!printable(item, key)) {
        continue;
      }
      out.push_back(std::move(item.value));
    }
    return out;
  }

  std::optional<std::pair<int, Location>> integer(std::string_view key, int min, int example) {
    const auto* node = find(key);
    if (node == nullptr) {
      return std::nullopt;
    }
    const auto* i = node->as_integer();
    if (i == nullptr) {
      wrong_type(key, *node, "an integer", fmt::format("write {} = {}", key, example));
      return std::nullopt;
    }
    const auto value = i->get();
    if (value < min) {
      m_diagnostics.error(at(node->source()),
                          fmt::format("'{}' must be at least {}, not {}", key, min, value),
                          fmt::format("write {} = {}", key, example));
      return std::nullopt;
    }
    if (value > max_integer) {
      m_diagnostics.error(at(node->source()),
                          fmt::format("'{}' is too large: {} (at most {})", key, value, max_integer),
                          fmt::format("write {} = {}", key, example));
      return std::nullopt;
    }
    return std::pair{static_cast<int>(value), at(node->source())};
  }

  std::optional<bool> boolean(std::string_view key) {
    const auto* node = find(key);
    if (node == nullptr) {
      return std::nullopt;
    }
    if (const auto* b = node->as_boolean()) {
      return b->get();
    }
    wrong_type(key, *node, "a boolean", fmt::format("write {} = true", key));
    return std::nullopt;
  }

  std::optional<std::chrono::milliseconds> duration(std::string_view key) {
    const auto* node = find(key);
    if (node == nullptr) {
      return std::nullopt;
    }
    const auto* s = node->as_string();
    if (s == nullptr) {
      wrong_type(key, *node, "a duration string", fmt::format("write {} = \"10m\"", key));
      return std::nullopt;
    }
    const auto value = util::parse_duration(s->get());
    if (!value || value->count() <= 0) {
      m_diagnostics.error(
          at(node->source()), fmt::format("invalid duration '{}' for '{}'", util::shown(s->get()), key),
          "write a positive number with a unit: ms, s, m or h, e.g. \"90s\", \"10m\", \"1h30m\"");
      return std::nullopt;
    }
    if (*value > util::max_duration) {
      m_diagnostics.error(
          at(node->source()),
          fmt::format("duration '{}' for '{}' is too large (at most {}h)", util::shown(s->get()), key,
                      std::chrono::duration_cast<std::chrono::hours>(util::max_duration).count()),
          fmt::format("write a duration of {}h or less, e.g. \"10m\"",
                      std::chrono::duration_cast<std::chrono::hours>(util::max_duration).count()));
      return std::nullopt;
    }
    return value;
  }

  // One of `choices`; returns its index.
  template <std::size_t N>
  std::optional<std::size_t> choice(std::string_view key, const std::array<std::string_view, N>& choices) {
    const auto value = string(key, choices[0]);
    if (!value) {
      return std::nullopt;
    }
    for (std::size_t i = 0; i < N; ++i) {
      if (value->value == choices[i]) {
        return i;
      }
    }
    std::vector<std::string> names;
    for (const auto c : choices) {
      names.push_back(fmt::format("\"{}\"", c));
    }
    m_diagnostics.error(value->where,
                        fmt::format("invalid value '{}' for '{}'", util::shown(value->value), key),
                        fmt::format("'{}' is one of {}", key, util::join(names, ", ")));
    return std::nullopt;
  }

  // Relative paths inside the repository (for `copy`).
  std::vector<std::string> relative_paths(std::string_view key) {
    std::vector<std::string> out;
    for (auto& item : strings(key, ".env")) {
      const auto parts = util::split(item.value, '/');
      const bool escapes = std::find(parts.begin(), parts.end(), "..") != parts.end();
      if (item.value.empty() || item.value[0] == '/' || escapes) {
        m_diagnostics.error(
            item.where,
            fmt::format("'{}' entry '{}' must be a path inside the repository", key, util::shown(item.value)),
            "write it relative to the repository root, without '..'");
        continue;
      }
      if (!printable(item, key)) {
        continue;
      }
      out.push_back(std::move(item.value));
    }
    return out;
  }

  Diagnostics& diagnostics() { return m_diagnostics; }

private:
  const toml::table& m_table;
  std::string m_context;
  std::string_view m_text;
  Diagnostics& m_diagnostics;
};

// `agent = "claude-code"`: one of the presets (plan/preset.hpp), or empty.
std::string read_preset(Reader& r) {
  auto name = r.string("agent", "claude-code");
  if (!name) {
    return {};
  }
  if (plan::is_preset(name->value)) {
    return name->value;
  }
  std::vector<std::string> known;
  for (const auto n : plan::preset_names()) {
    known.emplace_back(n);
  }
  std::vector<std::string> hints = {
      fmt::format("the presets are {}; for another agent, write launch = \"...\"", util::join(known, ", "))};
  if (auto near = util::nearest(name->value, known)) {
    hints.insert(hints.begin(), fmt::format("did you mean '{}'?", *near));
  }
  r.diagnostics().error(name->where,
                        fmt::format("unknown agent preset '{}'", util::escape_control(name->value)),
                        hints.front());
  return {};
}

// `budget_usd = 2.5`: dollars, more than zero.
std::optional<double> read_budget(Reader& r) {
  const auto* node = r.find("budget_usd");
  if (node == nullptr) {
    return std::nullopt;
  }
  std::optional<double> value;
  if (const auto* f = node->as_floating_point()) {
    value = f->get();
  } else if (const auto* i = node->as_integer()) {
    value = static_cast<double>(i->get());
  }
  if (!value || !(*value > 0) || *value > 1e9) {
    r.diagnostics().error(at(node->source()), "'budget_usd' must be a number of dollars more than 0",
                          "write budget_usd = 5.0");
    return std::nullopt;
  }
  return value;
}

// `budget_turns = 50`, `budget_attempts = 3`: a whole number, at least 1.
std::optional<int> read_count_budget(Reader& r, std::string_view key, int example) {
  if (auto value = r.integer(key, 1, example)) {
    return value->first;
  }
  return std::nullopt;
}

// [run] log_cap: "5MB", "512KiB", a number of bytes, "none" or 0.
void read_log_cap(const toml::node& node, Runner& runner, Diagnostics& diagnostics) {
  constexpr std::string_view hint =
      "write a size with a unit: B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (of 1024), e.g. "
      "log_cap = \"5MiB\"; or \"none\" (or 0) for no cap";
  std::optional<std::uint64_t> cap;
  std::string shown;
  if (const auto* s = node.as_string()) {
    shown = util::shown(s->get());
    cap = util::parse_size(s->get());
  } else if (const auto* i = node.as_integer()) {
    shown = std::to_string(i->get());
    if (i->get() >= 0) {
      cap = static_cast<std::uint64_t>(i->get());
    }
  } else {
    diagnostics.error(
        at(node.source()),
        fmt::format("'log_cap' must be a size string or an integer, not {}", type_name(node.type())),
        std::string(hint));
    return;
  }
  if (!cap) {
    diagnostics.error(at(node.source()), fmt::format("invalid size '{}' for 'log_cap'", shown),
                      std::string(hint));
    return;
  }
  if (*cap != 0 && *cap < util::min_log_cap) {
    diagnostics.error(at(node.source()),
                      fmt::format("'log_cap' must be at least {} bytes, not {}", util::min_log_cap, *cap),
                      std::string(hint));
    return;
  }
  runner.log_cap = *cap;
}

void read_runner(const toml::node& node, Runner& runner, std::string_view text, Diagnostics& diagnostics) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    diagnostics.error(at(node.source()), fmt::format("'run' must be a table, not {}", type_name(node.type())),
                      "write [run] on its own line, then launch = \"claude -p\"");
    return;
  }
  Reader r(*table, "[run]", text, diagnostics);
  r.check_keys(run_keys);
  if (auto launch = r.string("launch", "claude -p")) {
    if (util::trim(launch->value).empty()) {
      diagnostics.error(launch->where, "empty command in 'launch'",
                        "write the command that runs an agent, e.g. launch = \"claude -p\"");
    }
    runner.launch = launch->value;
  }
  runner.agent = read_preset(r);
  runner.budget_usd = read_budget(r);
  runner.budget_turns = read_count_budget(r, "budget_turns", 200);
  runner.budget_attempts = read_count_budget(r, "budget_attempts", 10);
  if (auto timeout = r.duration("timeout")) {
    runner.timeout = *timeout;
  }
  if (auto idle = r.duration("idle_timeout")) {
    runner.idle_timeout = *idle;
  }
  if (auto retries = r.integer("retries", 0, 2)) {
    runner.retries = retries->first;
  }
  if (const auto* stagger = r.find("stagger")) {
    const auto* s = stagger->as_string();
    if (s != nullptr && util::parse_duration(s->get()) && util::parse_duration(s->get())->count() == 0) {
      runner.stagger = std::chrono::milliseconds(0);
    } else if (auto value = r.duration("stagger")) {
      runner.stagger = *value;
    }
  }
  runner.notify = r.texts("notify", "notify-send git-wave", "command");
  if (const auto* cap = r.find("log_cap")) {
    read_log_cap(*cap, runner, diagnostics);
  }
}

void read_gate(const toml::node& node, Gate& gate, std::string_view text, Diagnostics& diagnostics) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    diagnostics.error(at(node.source()),
                      fmt::format("'gate' must be a table, not {}", type_name(node.type())),
                      "write [gate] on its own line, then commands = [\"make test\"]");
    return;
  }
  Reader r(*table, "[gate]", text, diagnostics);
  r.check_keys(gate_keys);
  gate.commands = r.texts("commands", "make test", "command");
  if (auto timeout = r.duration("timeout")) {
    gate.timeout = *timeout;
  }
  if (auto bisect = r.integer("bisect", 0, 4)) {
    gate.bisect = bisect->first;
  }
}

Agent read_agent(const toml::table& table, std::string_view text, Diagnostics& diagnostics) {
  Agent agent;
  agent.where = at(table.source());
  Reader r(table, "[[agent]]", text, diagnostics);
  r.check_keys(agent_keys);
  if (auto name = r.string("name", "event-hooks")) {
    agent.name = name->value;
    agent.where = name->where;
    if (const auto problem = name_problem(agent.name)) {
      diagnostics.error(name->where,
                        fmt::format("invalid agent name '{}': it {}", util::shown(agent.name), *problem),
                        "agent names become branch names (wave/<run>/<agent>): use letters, digits, '-', '_' "
                        "and '.', starting with a letter or digit, e.g. \"event-hooks\"");
    }
  } else if (r.find("name") == nullptr) {
    diagnostics.error(agent.where, "missing required key 'name' in [[agent]]",
                      "give every agent a unique name, e.g. name = \"event-hooks\"");
  }
  if (auto task = r.string("task", "Add the event hook system")) {
    // A task is text (the brief, the merge's message): lines and tabs, but
    // no other control character (a NUL would cut a commit message short).
    std::string without_layout = task->value;
    std::replace_if(
        without_layout.begin(), without_layout.end(),
        [](char c) { return c == '\n' || c == '\t' || c == '\r'; }, ' ');
    std::size_t offset = 0;
    if (util::has_control(without_layout, &offset)) {
      diagnostics.error(string_offset(text, task->where, offset),
                        fmt::format("control character in 'task': '{}'", util::shown(task->value)),
                        "a task is text: newlines and tabs are fine, other control characters are not");
    }
    agent.task = task->value;
  }
  if (auto title = r.string("title", "Event hooks")) {
    std::size_t offset = 0;
    if (util::has_control(title->value, &offset)) {
      diagnostics.error(string_offset(text, title->where, offset),
                        fmt::format("control character in 'title': '{}'", util::shown(title->value)),
                        "a title is one line, the subject of the agent's merge: no newlines or other "
                        "control characters");
    } else if (title->value.size() > max_title) {
      diagnostics.error(
          title->where,
          fmt::format("'title' is too long: {} bytes, at most {}", title->value.size(), max_title),
          "a title is the short subject of the agent's merge; the task holds the rest");
    }
    agent.title = title->value;
  }
  agent.owns = r.patterns("owns", "src/hooks/**");
  agent.after = r.strings("after", "config-schema");
  if (auto pin = r.integer("wave", 1, 2)) {
    agent.wave = pin->first;
    agent.wave_where = pin->second;
  }
  agent.exclusive = r.boolean("exclusive").value_or(false);
  agent.allow_empty = r.boolean("allow_empty");
  if (const auto* gate = r.find("gate"); gate != nullptr && gate->is_table()) {
    diagnostics.error(at(gate->source()), "an agent's 'gate' is an array of commands, not a table",
                      "write gate = [\"make test-hooks\"]");
  } else {
    agent.gate = r.texts("gate", "make test", "command");
  }
  agent.estimate = r.duration("estimate");
  agent.setup = r.texts("setup", "npm ci", "command");
  agent.copy = r.relative_paths("copy");
  if (auto launch = r.string("launch", "claude -p")) {
    agent.launch = launch->value;
  }
  agent.agent = read_preset(r);
  agent.budget_usd = read_budget(r);
  agent.budget_turns = read_count_budget(r, "budget_turns", 50);
  agent.budget_attempts = read_count_budget(r, "budget_attempts", 3);
  return agent;
}

void read_agents(const toml::node& node, Plan& plan, std::string_view text, Diagnostics& diagnostics) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    diagnostics.error(at(node.source()),
                      fmt::format("'agent' must be an array of tables, not {}", type_name(node.type())),
                      "write [[agent]] (double brackets) before each agent");
    return;
  }
  for (const auto& element : *array) {
    const auto* table = element.as_table();
    if (table == nullptr) {
      diagnostics.error(at(element.source()),
                        fmt::format("'agent' must hold tables, not {}", type_name(element.type())),
                        "write [[agent]] (double brackets) before each agent");
      continue;
    }
    plan.agents.push_back(read_agent(*table, text, diagnostics));
  }
}

void read_plan(const toml::table& root, Plan& plan, std::string_view text, Diagnostics& diagnostics) {
  Reader r(root, "the plan", text, diagnostics);
  r.check_keys(plan_keys);
  if (auto name = r.string("name", "review-enforcement")) {
    plan.name = name->value;
    if (const auto problem = name_problem(plan.name)) {
      diagnostics.error(
          name->where, fmt::format("invalid plan name '{}': it {}", util::shown(plan.name), *problem),
          "the name becomes part of branch names (wave/<name>/<agent>): use letters, digits, '-', "
          "'_' and '.', starting with a letter or digit, e.g. \"review-enforcement\"");
    }
  } else if (r.find("name") == nullptr) {
    diagnostics.error({1, 1}, "missing required key 'name'",
                      "name the run at the top of the plan, e.g. name = \"review-enforcement\"");
  }
  if (auto base = r.string("base", "main")) {
    plan.base = base->value;
    if (const auto problem = git::branch_name_problem(plan.base)) {
      diagnostics.error(
          base->where,
          fmt::format("invalid branch name '{}' for 'base': it {}", util::shown(plan.base), *problem),
          "name the integration branch, e.g. base = \"main\", or leave 'base' out for the current "
          "branch");
    }
  }
  if (auto remote = r.string("remote", "origin")) {
    plan.remote = remote->value;
    if (const auto problem = git::remote_name_problem(plan.remote)) {
      diagnostics.error(
          remote->where,
          fmt::format("invalid remote name '{}' for 'remote': it {}", util::shown(plan.remote), *problem),
          "name a remote of the repository, e.g. remote = \"origin\" (see 'git remote')");
    }
  }
  if (auto max = r.integer("max_parallel", 1, 6)) {
    plan.max_parallel = max->first;
  }
  plan.protected_paths = r.patterns("protected", "wave.toml");
  if (auto overlap = r.choice("overlap", std::array{"error"sv, "split"sv})) {
    plan.overlap = *overlap == 0 ? OverlapPolicy::error : OverlapPolicy::split;
  }
  if (auto sensitive = r.boolean("case_sensitive")) {
    plan.case_sensitive = *sensitive;
  }
  if (auto empty = r.boolean("allow_empty")) {
    plan.allow_empty = *empty;
  }
  if (auto merge = r.choice("merge", std::array{"merge"sv, "squash"sv})) {
    plan.merge = *merge == 0 ? MergeStyle::merge : MergeStyle::squash;
  }
  if (auto worktrees = r.string("worktrees", default_worktrees)) {
    plan.worktrees = worktrees->value;
    plan.worktrees_where = worktrees->where;
    if (!r.printable(*worktrees, "worktrees")) {
      plan.worktrees = default_worktrees; // reported: do not report it again
    }
  }
  plan.setup = r.texts("setup", "npm ci", "command");
  plan.copy = r.relative_paths("copy");
  if (const auto* gate = r.find("gate")) {
    read_gate(*gate, plan.gate, text, diagnostics);
  }
  if (const auto* runner = r.find("run")) {
    read_runner(*runner, plan.runner, text, diagnostics);
  }
  const auto* agents = r.find("agent");
  if (agents != nullptr) {
    read_agents(*agents, plan, text, diagnostics);
  }
  const bool none_written = agents == nullptr || (agents->is_array() && agents->as_array()->empty());
  if (plan.agents.empty() && none_written) {
    diagnostics.error({1, 1}, "the plan has no agents",
                      "add one [[agent]] table per agent, with name, task and owns");
  }
}

} // namespace

ParseResult parse(std::string_view text, std::string file_name) {
  ParseResult result;
  result.diagnostics.file = file_name;
  Plan plan;
  plan.file = std::move(file_name);
  if (const auto unsafe = unsafe_character(text)) {
    result.diagnostics.error(unsafe->where, "TOML syntax error: " + unsafe->message,
                             "outside strings and comments TOML is ASCII (put text in quotes, e.g. task = "
                             "\"café\"), and control characters are written as escapes (\"\\u001b\")");
    return result;
  }
  try {
    const toml::table root = toml::parse(text, std::string_view(plan.file));
    read_plan(root, plan, text, result.diagnostics);
    validate(plan, text, result.diagnostics);
    if (result.diagnostics.has_errors()) {
      // A valid plan's overlaps are schedule()'s to report; with other
      // mistakes there is no valid plan to schedule, so report them here,
      // with the rest, in this one run.
      Diagnostics scheduled;
      scheduled.file = plan.file;
      schedule(plan, false, scheduled);
      for (auto& d : scheduled.items) {
        if (d.severity == Severity::error) {
          result.diagnostics.items.push_back(std::move(d));
        }
      }
    }
  } catch (const toml::parse_error& e) {
    const auto message = syntax_message(e.description(), text, e.source());
    result.diagnostics.error(at(e.source()), message,
                             message.find("duplicate key") != std::string::npos
                                 ? "define each key once: remove or rename one of them"
                                 : "see gitwave-plan(5) for the plan format");
  }
  result.diagnostics.sort();
  if (!result.diagnostics.has_errors()) {
    result.plan = std::move(plan);
  }
  return result;
}

} // namespace wave::plan
