#include "run/usage.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace wave::run {

namespace {

using Json = nlohmann::json;

std::int64_t count(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

} // namespace

void UsageReader::feed(std::string_view text) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) {
      m_partial.append(text);
      return;
    }
    if (m_partial.empty()) {
      line(text.substr(0, end));
    } else {
      m_partial.append(text.substr(0, end));
      line(m_partial);
      m_partial.clear();
    }
    text.remove_prefix(end + 1);
  }
}

std::optional<Usage> UsageReader::usage() const {
  if (!m_partial.empty()) {
    UsageReader whole = *this;
    whole.m_partial.clear();
    whole.line(m_partial);
    return whole.usage();
  }
  if (m_claude) {
    return m_claude;
  }
  if (m_gemini) {
    return m_gemini;
  }
  if (m_codex_seen && m_codex_turns > 0) {
    Usage u = m_codex;
    u.turns = m_codex_turns;
    return u;
  }
  return std::nullopt;
}

void UsageReader::line(std::string_view line) {
  if (line.empty() || line.front() != '{') {
    return;
  }
  const Json j = Json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j["type"].is_string()) {
    return;
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
    m_claude = u;
  } else if (type == "result" && j.contains("stats") && j["stats"].is_object()) { // Gemini CLI
    const Json& stats = j["stats"];
    Usage u;
    u.input_tokens = count(stats, "input_tokens");
    u.output_tokens = count(stats, "output_tokens");
    if (stats.contains("tool_calls") && stats["tool_calls"].is_number_integer()) {
      u.turns = stats["tool_calls"].get<int>() + 1;
    }
    m_gemini = u;
  } else if (type == "thread.started" && j.contains("thread_id") && j["thread_id"].is_string()) { // Codex
    m_thread = j["thread_id"].get<std::string>();
  } else if (type == "turn.completed" && j.contains("usage") && j["usage"].is_object()) {
    m_codex_seen = true;
    m_codex.input_tokens += count(j["usage"], "input_tokens");
    m_codex.output_tokens += count(j["usage"], "output_tokens");
    ++m_codex_turns; // its final answer
  } else if (type == "item.completed" && j.contains("item") && j["item"].is_object() &&
             j["item"].contains("type") && j["item"]["type"].is_string()) {
    const auto item = j["item"]["type"].get<std::string>();
    if (item == "command_execution" || item == "file_change" || item == "mcp_tool_call" ||
        item == "web_search") {
      m_codex_seen = true;
      ++m_codex_turns; // a tool call: at least one model turn each
    }
  }
}

std::optional<Usage> read_usage(std::string_view log) {
  UsageReader reader;
  reader.feed(log);
  return reader.usage();
}

std::optional<int> codex_session_turns(std::string_view session) {
  int turns = 0;
  while (!session.empty()) {
    const std::size_t end = std::min(session.find('\n'), session.size());
    const std::string_view line = session.substr(0, end);
    session.remove_prefix(std::min(end + 1, session.size()));
    if (line.find("\"token_count\"") == std::string_view::npos) {
      continue; // most lines are long (the prompt, the tools' output): only these are parsed
    }
    const Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("type", Json()) != "event_msg" ||
        !j.contains("payload") || !j["payload"].is_object()) {
      continue;
    }
    const Json& p = j["payload"];
    // One per model request; one with no usage (`info` null) tells only
    // the rate limits.
    if (p.value("type", Json()) == "token_count" && p.contains("info") && p["info"].is_object() &&
        p["info"].contains("last_token_usage")) {
      ++turns;
    }
  }
  return turns > 0 ? std::optional<int>(turns) : std::nullopt;
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
