#include "run/usage.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wave::run {

namespace {

using Json = nlohmann::json;

std::int64_t count(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

} // namespace

std::optional<Usage> read_usage(std::string_view log) {
  std::optional<Usage> claude;
  std::optional<Usage> gemini;
  Usage codex;
  int codex_turns = 0;
  std::size_t at = 0;
  while (at < log.size()) {
    std::size_t end = log.find('\n', at);
    if (end == std::string_view::npos) {
      end = log.size();
    }
    const std::string_view line = log.substr(at, end - at);
    at = end + 1;
    if (line.empty() || line.front() != '{') {
      continue;
    }
    const Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j["type"].is_string()) {
      continue;
    }
    const auto type = j["type"].get<std::string>();
    if (type == "result" && j.contains("total_cost_usd")) { // Claude Code: the last one counts
      Usage u;
      if (j["total_cost_usd"].is_number()) {
        u.cost_usd = j["total_cost_usd"].get<double>();
      }
      if (j.contains("num_turns") && j["num_turns"].is_number_integer()) {
        u.turns = j["num_turns"].get<int>();
      }
      if (j.contains("usage") && j["usage"].is_object()) {
        const Json& usage = j["usage"];
        u.input_tokens = count(usage, "input_tokens") + count(usage, "cache_creation_input_tokens") +
                         count(usage, "cache_read_input_tokens");
        u.output_tokens = count(usage, "output_tokens");
      }
      // Per model, over the whole session (`usage` may be the last turn's).
      if (j.contains("modelUsage") && j["modelUsage"].is_object() && !j["modelUsage"].empty()) {
        u.input_tokens = 0;
        u.output_tokens = 0;
        for (const auto& [model, m] : j["modelUsage"].items()) {
          if (m.is_object()) {
            u.input_tokens += count(m, "inputTokens") + count(m, "cacheReadInputTokens") +
                              count(m, "cacheCreationInputTokens");
            u.output_tokens += count(m, "outputTokens");
          }
        }
      }
      claude = u;
    } else if (type == "result" && j.contains("stats") && j["stats"].is_object()) { // Gemini CLI
      const Json& stats = j["stats"];
      Usage u;
      u.input_tokens = count(stats, "input_tokens");
      u.output_tokens = count(stats, "output_tokens");
      if (stats.contains("tool_calls") && stats["tool_calls"].is_number_integer()) {
        u.turns = stats["tool_calls"].get<int>() + 1;
      }
      gemini = u;
    } else if (type == "turn.completed" && j.contains("usage") && j["usage"].is_object()) { // Codex
      codex.input_tokens += count(j["usage"], "input_tokens");
      codex.output_tokens += count(j["usage"], "output_tokens");
      ++codex_turns; // its final answer
    } else if (type == "item.completed" && j.contains("item") && j["item"].is_object() &&
               j["item"].contains("type") && j["item"]["type"].is_string()) {
      const auto item = j["item"]["type"].get<std::string>();
      if (item == "command_execution" || item == "file_change" || item == "mcp_tool_call" ||
          item == "web_search") {
        ++codex_turns; // a tool call: one model turn each
      }
    }
  }
  if (claude) {
    return claude;
  }
  if (gemini) {
    return gemini;
  }
  if (codex_turns > 0) {
    codex.turns = codex_turns;
    return codex;
  }
  return std::nullopt;
}

std::string describe(const Usage& usage) {
  std::string out;
  if (usage.cost_usd) {
    out += fmt::format("${:.4f}, ", *usage.cost_usd);
  }
  if (usage.turns) {
    out += fmt::format("{} turn{}, ", *usage.turns, *usage.turns == 1 ? "" : "s");
  }
  out += fmt::format("{} tokens in, {} out", usage.input_tokens, usage.output_tokens);
  return out;
}

void add(std::optional<Usage>& into, const std::optional<Usage>& more) {
  if (!more) {
    return;
  }
  if (!into) {
    into = more;
    return;
  }
  into->cost_usd =
      into->cost_usd && more->cost_usd ? std::optional<double>(*into->cost_usd + *more->cost_usd) : std::nullopt;
  into->turns = into->turns && more->turns ? std::optional<int>(*into->turns + *more->turns) : std::nullopt;
  into->input_tokens += more->input_tokens;
  into->output_tokens += more->output_tokens;
}

} // namespace wave::run
