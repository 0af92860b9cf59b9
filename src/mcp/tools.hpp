#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The tools `git wave mcp` offers: what a lead does, one tool per command,
// each run as `git-wave <command> --json` (where the command has --json),
// so results come from the same serialisers, locks and messages as the CLI.
// Pure: schemas, argument checks, command lines and results from outputs.
namespace wave::mcp {

using Json = nlohmann::ordered_json;

struct Tool {
  std::string name;
  std::string title;
  std::string description;
  Json input_schema; // a JSON Schema object: properties, required, no others
  bool read_only;    // changes nothing (annotations.readOnlyHint)
  bool destructive;  // may throw work away (annotations.destructiveHint)
};

const std::vector<Tool>& tools();
const Tool* find_tool(std::string_view name);

// The tools/list entry of `tool`.
Json tool_json(const Tool& tool);

// Checks `arguments` against the tool's input schema: the first problem,
// naming the argument, or nothing when they fit.
std::optional<std::string> check_arguments(const Tool& tool, const Json& arguments);

// The git-wave command line (without the program) that does what the tool
// call asks; `arguments` passed check_arguments. Not for `run`, whose
// launch is `run_command`.
std::vector<std::string> command_args(const Tool& tool, const Json& arguments);
std::vector<std::string> run_command(const Json& arguments);

// What one git-wave command did, as the tool result reports it.
struct Outcome {
  int exit_code = 0;       // -1 when killed
  std::string out;         // its stdout
  std::string err;         // its stderr: progress, `error:` and `hint:` lines
  std::string description; // how it ended, for the killed: "killed by signal 15 (Terminated)"
};

// The error and hint lines of a command's stderr ("error: ...", "hint: ...").
struct Messages {
  std::vector<std::string> errors;
  std::vector<std::string> hints;
};
Messages messages(std::string_view err);

// A CallToolResult: `structured` as structuredContent (and as JSON text, for
// clients before structured content), a short text first; isError when the
// command failed, with its error and hint lines.
Json tool_result(const std::string& summary, const Json& structured, const Outcome& outcome);
// A failure before any command ran (bad arguments, say), as a tool error.
Json tool_error(const std::string& message, const std::vector<std::string>& hints = {});

// The last `max_bytes` of `text`, cut at a line start, with a first line
// saying how much was left out; `text` when it fits.
std::string tail_bytes(const std::string& text, std::size_t max_bytes);

} // namespace wave::mcp
