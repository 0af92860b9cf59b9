#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// What an attempt spent, read from the agent CLI's structured output (its
// log): Claude Code's stream-json `result` event (cost, turns, tokens),
// Codex's `turn.completed` events (tokens, turns), Gemini CLI's stream-json
// `result` event (tokens, tool calls). Pure.
namespace wave::run {

struct Usage {
  std::optional<double> cost_usd; // as the agent CLI priced it; unknown for Codex and Gemini
  std::optional<int> turns;       // model turns (Claude Code's count; tool calls + 1 for Codex and Gemini)
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
};

// The usage the log reports, or nothing when it reports none (a script's
// output, plain text).
std::optional<Usage> read_usage(std::string_view log);

// `into` plus `more`: costs and turns add where known (a cost stays known
// only while every part has one).
void add(std::optional<Usage>& into, const std::optional<Usage>& more);

// "$0.0024, 3 turns, 300 tokens in, 60 out": what is known of it.
std::string describe(const Usage& usage);

} // namespace wave::run
