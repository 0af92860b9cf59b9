#include "mcp/tools.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wave::mcp {

namespace {

Json str(std::string_view description) {
  return Json{{"type", "string"}, {"minLength", 1}, {"description", description}};
}

Json boolean(std::string_view description) {
  return Json{{"type", "boolean"}, {"description", description}};
}

Json integer(std::string_view description, int minimum) {
  return Json{{"type", "integer"}, {"minimum", minimum}, {"description", description}};
}

Json object(Json properties, std::vector<std::string> required = {}) {
  Json schema{{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) {
    schema["required"] = required;
  }
  schema["additionalProperties"] = false;
  return schema;
}

const char* const run_help = "the run to work on, when the repository has several (default: the current "
                             "branch's, the only one, or the plan's)";
const char* const plan_help = "the plan file, relative to the repository, instead of wave.toml";
const char* const wave_help = "the wave's label (e.g. \"2\" or \"2b\"); default: the current wave";
const char* const bisect_help = "when the wave's gate fails, search for the culprit agent in at most this "
                                "many gate runs (0: do not search); default: the plan's [gate] bisect";

std::vector<Tool> make_tools() {
  std::vector<Tool> t;
  t.push_back({"plan", "Check the plan",
               "Validate the plan (wave.toml) and explain it: its waves (derived from the agents' "
               "dependencies), each agent's task and owned files, the critical path, the theoretical "
               "speedup, overlaps of ownership, and every error or warning with file:line:column. Call it "
               "after editing the plan and before 'start'. Changes nothing.",
               object({{"plan", str(plan_help)},
                       {"split", boolean("run agents of a wave whose files overlap as sequential sub-waves "
                                         "instead of reporting the overlap as an error")}}),
               true, false});
  t.push_back({"owner", "Who owns a path",
               "Show which agent owns each path under the plan, and whether it is protected (owned by "
               "the lead). Paths are relative to the repository's root and may name files that do not "
               "exist yet. Changes nothing.",
               object({{"paths", Json{{"type", "array"},
                                      {"items", Json{{"type", "string"}, {"minLength", 1}}},
                                      {"minItems", 1},
                                      {"description", "the paths to look up, e.g. [\"src/a.cpp\"]"}}},
                       {"plan", str(plan_help)}},
                      {"paths"}),
               true, false});
  t.push_back({"status", "Where the run is",
               "Show where the run is: its waves, and per agent of the current wave its branch, "
               "worktree, commits ahead of the base, uncommitted changes, ownership violations, gate "
               "result and what it spent; and what to do next. Changes nothing.",
               object({{"run", str(run_help)}}), true, false});
  t.push_back({"brief", "An agent's brief",
               "The brief (prompt) for one agent of the run: its task, the files it alone may change, the "
               "files it must not touch, the state of its base, how to verify and commit, and the work "
               "already in its worktree. Hand it to the agent that does the task. Changes nothing.",
               object({{"agent", str("the agent's name, as in the plan")},
                       {"run", str(run_help)},
                       {"plan", str("before any run has started: brief from this plan file")}},
                      {"agent"}),
               true, false});
  t.push_back({"start", "Start the next wave",
               "Start the next wave of the plan's run (the first call starts the run): for each agent a "
               "branch wave/<run>/<agent> at the integration branch's tip and a worktree, set up, with the "
               "ownership hook. Returns the run's status. Then have each agent work in its worktree "
               "(its brief: the 'brief' tool), or call 'run' to launch the agents of the plan.",
               object({{"wave", str("start this wave (its label) rather than the next one")},
                       {"plan", str(plan_help)},
                       {"no_hooks", boolean("do not install the pre-commit ownership hook")}}),
               false, false});
  t.push_back({"gate", "Gate the wave",
               "Check the wave before it lands: commit agents' uncommitted work (lead-commits mode), audit "
               "every branch's ownership, run each agent's gate, build the candidate (the branches merged "
               "in plan order onto the integration branch) and run the plan's gate on it; find the "
               "culprit when it fails. The result is recorded in the run; 'merge' lands only a passed "
               "gate. A failed gate is a tool error carrying the result.",
               object({{"wave", str(wave_help)},
                       {"run", str(run_help)},
                       {"bisect", integer(bisect_help, 0)},
                       {"no_commit", boolean("leave agents' uncommitted work alone; gate the branches as "
                                             "they are")}}),
               false, false});
  t.push_back({"merge", "Land the gated wave",
               "Land a gated wave: move the integration branch to the candidate its gate passed on, only "
               "if neither the branch nor any agent's branch moved since; then remove the wave's "
               "worktrees and branches. Refused, saying what moved, otherwise.",
               object({{"wave", str(wave_help)},
                       {"run", str(run_help)},
                       {"keep", boolean("keep the wave's worktrees and branches")}}),
               false, false});
  t.push_back({"abort", "Throw the wave away",
               "Throw a wave away: remove its worktrees and delete its branches, keeping every agent "
               "commit (and uncommitted work) under an archive ref, so the wave can start again clean.",
               object({{"wave", str(wave_help)}, {"run", str(run_help)}}), false, true});
  t.push_back({"repair", "Drop an agent's foreign changes",
               "Rewrite an agent's branch without its changes to files it does not own (what the gate's "
               "ownership audit refused): each commit replayed with those files as they are at the "
               "wave's base; the original commits stay under an archive ref.",
               object({{"agent", str("the agent whose branch to repair")},
                       {"message", str("the message of the rewritten tip commit, when its message named "
                                       "what the repair dropped")},
                       {"run", str(run_help)}},
                      {"agent"}),
               false, true});
  t.push_back(
      {"run", "Run the plan unattended",
       "Without 'since': launch 'git wave run' in the background (one at a time per server): it "
       "starts each wave, launches every agent's command with its brief, proves each done, gates "
       "and merges, until the plan is done or something needs a person. Its events (launched, "
       "exited, gated, merged, blocked, done...) reach the client as log notifications as they "
       "happen. With 'since': launch nothing, return the events from that index on (0: all), "
       "whether the run still runs and how it ended. With 'wait', either way, the call returns "
       "once the run has ended (cancel it to stop waiting). With 'stop': stop the run in the "
       "background.",
       object({{"one_wave", boolean("stop once a wave is merged")},
               {"no_merge", boolean("stop once the wave's gate passed, without merging")},
               {"agent", str("launch and prove only this agent of the current wave (no gate)")},
               {"bisect", integer(bisect_help, 0)},
               {"plan", str(plan_help)},
               {"since", integer("return the events from this index on (the 'next' of an earlier "
                                 "call; 0: from the first) instead of launching",
                                 0)},
               {"wait", boolean("return only once the run has ended, with all its events (or those from "
                                "'since' on)")},
               {"stop", boolean("stop the run launched in the background")}}),
       false, false});
  t.push_back({"report", "What the waves bought",
               "Report what the run's waves bought: wall-clock against agent time, actual speedup beside "
               "the theoretical one, where the time went, the critical path, what the agents spent, and "
               "every attempt, gate and merge on a timeline. Changes nothing.",
               object({{"run", str(run_help)}}), true, false});
  t.push_back({"logs", "An agent's output",
               "The output of an agent's latest attempt under 'run' (or of attempt N), its last part when "
               "long; with 'list', the agent's attempts: number, how each ended, times, log size. Changes "
               "nothing.",
               object({{"agent", str("the agent")},
                       {"attempt", integer("this attempt (1, 2, ...) rather than the latest", 1)},
                       {"list", boolean("list the agent's attempts instead")},
                       {"max_bytes", integer("return at most this many bytes, the end of the log "
                                             "(default 65536)",
                                             1024)},
                       {"run", str(run_help)}},
                      {"agent"}),
               true, false});
  return t;
}

std::string type_name(const Json& v) {
  if (v.is_boolean()) {
    return "a boolean";
  }
  if (v.is_number_integer() || v.is_number_unsigned()) {
    return "an integer";
  }
  if (v.is_number()) {
    return "a number";
  }
  if (v.is_string()) {
    return "a string";
  }
  if (v.is_array()) {
    return "an array";
  }
  if (v.is_null()) {
    return "null";
  }
  return "an object";
}

std::optional<std::string> check_value(const std::string& where, const Json& schema, const Json& v) {
  const std::string type = schema.at("type");
  if (type == "string") {
    if (!v.is_string()) {
      return fmt::format("'{}' must be a string, not {}", where, type_name(v));
    }
    if (v.get_ref<const std::string&>().empty()) {
      return fmt::format("'{}' must not be empty", where);
    }
    if (v.get_ref<const std::string&>().find('\0') != std::string::npos) {
      return fmt::format("'{}' must not hold a NUL character", where);
    }
  } else if (type == "boolean") {
    if (!v.is_boolean()) {
      return fmt::format("'{}' must be true or false, not {}", where, type_name(v));
    }
  } else if (type == "integer") {
    if (!v.is_number_integer() && !v.is_number_unsigned()) {
      return fmt::format("'{}' must be an integer, not {}", where, type_name(v));
    }
    const auto minimum = schema.at("minimum").get<long long>();
    if (v.is_number_unsigned() ? v.get<unsigned long long>() > 1000000000ULL
                               : v.get<long long>() < minimum || v.get<long long>() > 1000000000LL) {
      return fmt::format("'{}' must be from {} to 1000000000, not {}", where, minimum, v.dump());
    }
  } else if (type == "array") {
    if (!v.is_array()) {
      return fmt::format("'{}' must be an array, not {}", where, type_name(v));
    }
    if (v.empty() && schema.contains("minItems")) {
      return fmt::format("'{}' must not be empty", where);
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (auto e = check_value(fmt::format("{}[{}]", where, i), schema.at("items"), v[i])) {
        return e;
      }
    }
  }
  return std::nullopt;
}

std::string text_of(const Json& arguments, const char* key) {
  return arguments.contains(key) ? arguments.at(key).get<std::string>() : std::string();
}

bool flag_of(const Json& arguments, const char* key) {
  return arguments.contains(key) && arguments.at(key).get<bool>();
}

// --name=value when the argument is given: one word, so a value that starts
// with '-' cannot be taken for an option.
void option(std::vector<std::string>& argv, const Json& arguments, const char* key, const char* name) {
  if (!arguments.contains(key)) {
    return;
  }
  const Json& v = arguments.at(key);
  argv.push_back(fmt::format("{}={}", name, v.is_string() ? v.get<std::string>() : v.dump()));
}

void flag(std::vector<std::string>& argv, const Json& arguments, const char* key, const char* name) {
  if (flag_of(arguments, key)) {
    argv.emplace_back(name);
  }
}

} // namespace

const std::vector<Tool>& tools() {
  static const std::vector<Tool> all = make_tools();
  return all;
}

const Tool* find_tool(std::string_view name) {
  const auto& all = tools();
  const auto it = std::find_if(all.begin(), all.end(), [&](const Tool& t) { return t.name == name; });
  return it == all.end() ? nullptr : &*it;
}

Json tool_json(const Tool& tool) {
  return Json{{"name", tool.name},
              {"title", tool.title},
              {"description", tool.description},
              {"inputSchema", tool.input_schema},
              {"annotations", Json{{"title", tool.title},
                                   {"readOnlyHint", tool.read_only},
                                   {"destructiveHint", tool.destructive},
                                   {"idempotentHint", tool.read_only},
                                   {"openWorldHint", false}}}};
}

std::optional<std::string> check_arguments(const Tool& tool, const Json& arguments) {
  if (!arguments.is_object()) {
    return fmt::format("the arguments of '{}' must be an object, not {}", tool.name, type_name(arguments));
  }
  const Json& properties = tool.input_schema.at("properties");
  for (const auto& [key, value] : arguments.items()) {
    if (!properties.contains(key)) {
      std::vector<std::string> known;
      for (const auto& [name, _] : properties.items()) {
        known.push_back(name);
      }
      return fmt::format("'{}' takes no argument '{}' (it takes: {})", tool.name, key,
                         known.empty() ? std::string("none") : fmt::format("{}", fmt::join(known, ", ")));
    }
    if (auto e = check_value(key, properties.at(key), value)) {
      return e;
    }
  }
  if (tool.input_schema.contains("required")) {
    for (const auto& key : tool.input_schema.at("required")) {
      if (!arguments.contains(key.get<std::string>())) {
        return fmt::format("'{}' needs the argument '{}'", tool.name, key.get<std::string>());
      }
    }
  }
  if (tool.name == "logs" && flag_of(arguments, "list") && arguments.contains("attempt")) {
    return std::string("'logs' takes 'attempt' or 'list', not both");
  }
  if (tool.name == "run" && flag_of(arguments, "stop") && arguments.size() > 1) {
    return std::string("'stop' takes no other argument");
  }
  return std::nullopt;
}

std::vector<std::string> command_args(const Tool& tool, const Json& arguments) {
  const std::string& n = tool.name;
  std::vector<std::string> argv;
  if (n == "plan") {
    argv = {"plan", "--json"};
    option(argv, arguments, "plan", "--plan");
    flag(argv, arguments, "split", "--split");
  } else if (n == "owner") {
    argv = {"owner", "--json"};
    option(argv, arguments, "plan", "--plan");
    argv.emplace_back("--");
    for (const auto& p : arguments.at("paths")) {
      argv.push_back(p.get<std::string>());
    }
  } else if (n == "status" || n == "report") {
    argv = {n, "--json"};
    option(argv, arguments, "run", "--run");
  } else if (n == "brief") {
    argv = {"prompt"};
    option(argv, arguments, "run", "--run");
    option(argv, arguments, "plan", "--plan");
    argv.emplace_back("--");
    argv.push_back(text_of(arguments, "agent"));
  } else if (n == "start") {
    argv = {"start"};
    option(argv, arguments, "wave", "--wave");
    option(argv, arguments, "plan", "--plan");
    flag(argv, arguments, "no_hooks", "--no-hooks");
  } else if (n == "gate") {
    argv = {"gate", "--json"};
    option(argv, arguments, "wave", "--wave");
    option(argv, arguments, "run", "--run");
    option(argv, arguments, "bisect", "--bisect");
    flag(argv, arguments, "no_commit", "--no-commit");
  } else if (n == "merge") {
    argv = {"merge", "--json"};
    option(argv, arguments, "wave", "--wave");
    option(argv, arguments, "run", "--run");
    flag(argv, arguments, "keep", "--keep");
  } else if (n == "abort") {
    argv = {"abort", "--json"};
    option(argv, arguments, "wave", "--wave");
    option(argv, arguments, "run", "--run");
  } else if (n == "repair") {
    argv = {"repair", "--json"};
    option(argv, arguments, "message", "--message");
    option(argv, arguments, "run", "--run");
    argv.emplace_back("--");
    argv.push_back(text_of(arguments, "agent"));
  } else if (n == "logs") {
    argv = {"logs"};
    option(argv, arguments, "attempt", "--attempt");
    flag(argv, arguments, "list", "--list");
    option(argv, arguments, "run", "--run");
    argv.emplace_back("--");
    argv.push_back(text_of(arguments, "agent"));
  } else if (n == "run") {
    argv = run_command(arguments);
  }
  return argv;
}

std::vector<std::string> run_command(const Json& arguments) {
  std::vector<std::string> argv{"run", "--json"};
  flag(argv, arguments, "one_wave", "--one-wave");
  flag(argv, arguments, "no_merge", "--no-merge");
  option(argv, arguments, "agent", "--agent");
  option(argv, arguments, "bisect", "--bisect");
  option(argv, arguments, "plan", "--plan");
  return argv;
}

Messages messages(std::string_view err) {
  Messages m;
  while (!err.empty()) {
    const auto nl = err.find('\n');
    const std::string_view line = err.substr(0, nl);
    if (line.starts_with("error: ")) {
      m.errors.emplace_back(line.substr(7));
    } else if (line.starts_with("hint: ")) {
      m.hints.emplace_back(line.substr(6));
    }
    if (nl == std::string_view::npos) {
      break;
    }
    err.remove_prefix(nl + 1);
  }
  return m;
}

Json tool_result(const std::string& summary, const Json& structured, const Outcome& outcome) {
  const bool failed = outcome.exit_code != 0;
  const Messages m = messages(outcome.err);
  std::string text = summary;
  for (const auto& e : m.errors) {
    text += "\nerror: " + e;
  }
  for (const auto& h : m.hints) {
    text += "\nhint: " + h;
  }
  if (failed && m.errors.empty()) {
    // No message of its own (killed, say): what it printed last says why.
    const std::string tail = tail_bytes(outcome.err, 2048);
    if (!tail.empty()) {
      text += "\n" + tail;
    }
  }
  Json content = Json::array({Json{{"type", "text"}, {"text", text}}});
  Json result;
  if (structured.is_object()) {
    content.push_back(Json{{"type", "text"}, {"text", structured.dump()}});
    result["content"] = std::move(content);
    result["structuredContent"] = structured;
  } else {
    result["content"] = std::move(content);
    if (failed) {
      result["structuredContent"] = Json{{"error", m.errors.empty() ? outcome.description : m.errors.front()},
                                         {"hints", m.hints},
                                         {"exit_code", outcome.exit_code}};
    }
  }
  result["isError"] = failed;
  return result;
}

Json tool_error(const std::string& message, const std::vector<std::string>& hints) {
  std::string text = "error: " + message;
  for (const auto& h : hints) {
    text += "\nhint: " + h;
  }
  return Json{{"content", Json::array({Json{{"type", "text"}, {"text", text}}})},
              {"structuredContent", Json{{"error", message}, {"hints", hints}, {"exit_code", 129}}},
              {"isError", true}};
}

std::string tail_bytes(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return text;
  }
  std::size_t from = text.size() - max_bytes;
  if (const auto nl = text.find('\n', from); nl != std::string::npos && nl + 1 < text.size()) {
    from = nl + 1;
  }
  return fmt::format("[... {} bytes left out ...]\n", from) + text.substr(from);
}

} // namespace wave::mcp
