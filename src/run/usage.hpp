#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// What an attempt spent, read from the agent CLI's structured output (its
// log): Claude Code's stream-json `result` event (cost, turns, tokens),
// Codex's `turn.completed` events (tokens) and its session file (turns),
// Gemini CLI's stream-json `result` event (tokens, tool calls). Pure.
namespace wave::run {

struct Usage {
  std::optional<double> cost_usd; // as the agent CLI priced it; unknown for Codex and Gemini
  std::optional<int> turns; // model turns (Claude Code's count; Codex's requests; Gemini's tool calls + 1)
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
};

// Reads a log as it is written: feed it the text in pieces of any size (a
// line cut between two pieces is read once whole).
class UsageReader {
public:
  void feed(std::string_view text);
  // What the lines fed so far report (a last line without its newline is
  // read too), or nothing when they report none.
  std::optional<Usage> usage() const;
  // Codex's thread id (its `thread.started` event), which names its session
  // file; empty for another agent.
  const std::string& codex_thread() const noexcept { return m_thread; }

private:
  void line(std::string_view line);

  std::string m_partial;
  std::optional<Usage> m_claude;
  std::optional<Usage> m_gemini;
  Usage m_codex;
  int m_codex_turns = 0;
  bool m_codex_seen = false;
  std::string m_thread;
};

// The usage the log reports, or nothing when it reports none (a script's
// output, plain text).
std::optional<Usage> read_usage(std::string_view log);

// The model turns of a Codex session, from its session file
// ($CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<thread>.jsonl): one
// `token_count` event per model request. Its `--json` output tells only
// some of them: a command its sandbox refused is in no event there. Nothing
// when the file counts none.
std::optional<int> codex_session_turns(std::string_view session);

// `into` plus `more`: costs and turns add where known (a cost stays known
// only while every part has one).
void add(std::optional<Usage>& into, const std::optional<Usage>& more);

// "$0.0024, 3 turns, 300 tokens in, 60 out": what is known of it.
std::string describe(const Usage& usage);

} // namespace wave::run
