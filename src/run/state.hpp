#pragma once

#include "run/usage.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The state of a run, as stored in `state.json` of the commit at
// `refs/wave/<run>/state` (read and written by run/store.hpp, changed under
// the protocol of docs/crash-safety.md). Plain data and its JSON form: no
// git, no terminal. Object ids are 40-hex strings, times ISO-8601 UTC.
//
// Fields this version does not know are kept (`extra`, on every record) and
// written back, so a newer writer's additions survive an older writer's
// update.
namespace wave::run {

using Json = nlohmann::ordered_json;

// Version 2 made typed fields of what version 1 kept in free-form JSON
// (summary, violations, conflict, bisect runs, step details, the landing
// marker) and added the intent record; version-1 states still load.
inline constexpr int state_version = 2;

enum class WaveStatus { started, gated, failed, merged, aborted };
enum class Setup { pending, ok, failed };
enum class GateResult { pass, fail };
enum class StepOutcome { pass, fail, timeout, skipped };
enum class IntentKind { commit, merge, abort, repair };
// How an attempt of `git wave run` at an agent ended.
enum class AttemptEnd { running, done, failed, timeout, stalled, unchanged, foreign, own_gate, culprit, interrupted };
// What a person decided about an agent of a run (git wave accept, skip, relaunch).
enum class ActionKind { accept, skip, relaunch };

std::string_view to_string(WaveStatus s) noexcept;
std::string_view to_string(Setup s) noexcept;
std::string_view to_string(GateResult r) noexcept;
std::string_view to_string(StepOutcome s) noexcept;
std::string_view to_string(IntentKind k) noexcept;
std::string_view to_string(AttemptEnd e) noexcept;
std::string_view to_string(ActionKind k) noexcept;
std::optional<WaveStatus> parse_wave_status(std::string_view s) noexcept;
std::optional<Setup> parse_setup(std::string_view s) noexcept;

struct AgentRun {
  std::string name;
  std::string branch;   // wave/<run>/<agent>
  std::string worktree; // absolute path
  std::string base;     // commit the branch was created at
  Setup setup = Setup::pending;
  std::string setup_log; // absolute path, or empty
  std::string reused;    // the parked worktree of an earlier wave moved here, or empty
  Json extra = Json::object();
};

struct GateStep {
  std::string name;
  std::string agent; // empty for the plan's gate
  std::string command;
  StepOutcome status = StepOutcome::skipped;
  std::int64_t duration_ms = 0;
  std::string log;
  std::string detail; // one line: why it failed, what it did
  Json extra = Json::object();
};

// A path a branch touched that its agent does not own.
struct Violation {
  std::string agent;
  std::string path;
  std::vector<std::string> owners;
  bool is_protected = false;
  std::string commit; // empty for uncommitted work
  Json extra = Json::object();
};

// The branch that could not be merged into the candidate.
struct MergeConflict {
  std::string agent;
  std::vector<std::string> with; // earlier agents touching the same files
  std::vector<std::string> paths;
  Json extra = Json::object();
};

struct GateRecord {
  GateResult result = GateResult::fail;
  std::string base;                                      // integration tip tested
  std::vector<std::pair<std::string, std::string>> tips; // agent -> oid, in plan order
  std::string candidate;                                 // oid or empty
  std::string started_at;
  std::string finished_at;
  std::vector<GateStep> steps;
  std::vector<std::string> culprits;
  std::string summary;                  // why it failed, one line
  std::optional<int> bisect_runs;       // when it bisected
  std::optional<MergeConflict> conflict;
  std::vector<Violation> violations;
  Json extra = Json::object();

  bool passed() const noexcept { return result == GateResult::pass; }
};

// When an earlier gate of a wave ran, and how it ended: a wave gated again
// keeps only its last record, and the report still counts the time.
struct GateTimes {
  std::string started_at;
  std::string finished_at;
  GateResult result = GateResult::fail;
  Json extra = Json::object();
};

struct MergeRecord {
  std::string from;
  std::string to;
  std::string at;      // when the merge began (its intent was recorded)
  std::string archive; // ref keeping squashed branches' own commits, or empty
  Json extra = Json::object();
  std::string finished_at; // when it was complete; empty before, and in states older than it
};

// One launch of an agent by `git wave run`, with its times, so that the
// timing survives the run and can be reported.
struct Attempt {
  std::string agent;
  int number = 1;            // 1, 2, ...
  std::string launched_at;   // when it was launched; once ended, when its process started
  std::string exited_at;     // when its process ended; empty while it runs
  AttemptEnd end = AttemptEnd::running;
  int exit_code = -1;        // the launch command's status, -1 when unknown
  std::string detail;        // why it ended, for the next attempt's brief
  std::string log;           // its output, absolute path
  // Not launched: before relaunching, `run` found the agent's branch already
  // passing the proof of done (a person finished it by hand) and took it.
  bool adopted = false;
  std::string tip; // its branch's tip when it ended (after the lead commit), or empty
  std::optional<Usage> usage; // cost, turns, tokens, when the agent CLI's output reports them
  Json usage_extra = Json::object(); // the fields of `usage` this version does not know
  Json extra = Json::object();
};

// A person's decision about one agent, recorded in the run so that `run`,
// `gate`, `status` and `report` all act on it:
// - accept: the agent's branch as it is (at `tip`) counts as done;
// - skip: the agent leaves the run: never launched, gated or merged, its
//   branch and worktree kept (`branch`, `worktree`); agents that depend on
//   it are skipped with it as their waves start;
// - relaunch: the next `run` launches it again, whatever its attempts said.
// An accept or relaunch holds until the agent's next attempt
// (`after_attempt` is its latest attempt's number when decided).
struct Action {
  ActionKind kind = ActionKind::accept;
  std::string agent;
  std::string wave;            // label of the wave holding the agent; empty when not started
  std::string wave_started_at; // that wave attempt's start
  int after_attempt = 0;
  std::string tip;      // the branch's tip when decided, or empty
  std::string branch;   // skip: the branch kept
  std::string worktree; // skip: the worktree kept
  std::string at;
  std::string by;     // who decided (the lead's git identity)
  std::string reason; // why, as given (-m), or empty
  Json extra = Json::object();
};

// One agent's part of an intent: its branch goes `from` -> `to` (commit), or
// is deleted when still at `from` (merge, abort). `index` is the prepared
// index file a lead commit installs in the agent's worktree.
struct IntentAgent {
  std::string name;
  std::string from;
  std::string to;
  std::string index;
  Json extra = Json::object();
};

// What a command that changes the disk is about to do, recorded with one
// compare-and-swap before its first change and cleared with its last. A
// command that finds one left by a killed command finishes it (flow/recover).
struct Intent {
  IntentKind kind = IntentKind::commit;
  std::string started_at;
  std::string command;             // e.g. "git wave merge"
  bool keep = false;               // merge: keep worktrees and branches
  std::string archive;             // merge, abort: the archive ref it writes
  std::vector<IntentAgent> agents; // in plan order
  Json extra = Json::object();
};

// `git wave run` stopped on something only a person can settle, and when it
// was run again (empty while it has not been).
struct Pause {
  std::string at;
  std::string until;
  std::string why; // one line
  Json extra = Json::object();
};

// The plan of a run in progress replaced by a later commit of it (git wave
// amend): only what waves not yet started do may differ.
struct Amendment {
  std::string at;
  std::string by;
  std::string from;                 // plan_commit before
  std::string to;                   // plan_commit after
  std::vector<std::string> changes; // what differs, one phrase each (plan::differences)
  Json extra = Json::object();
};

struct WaveRun {
  std::string label; // "1", "2a", ...
  WaveStatus status = WaveStatus::started;
  std::string base; // integration tip the agents branched from
  std::string started_at;
  std::vector<AgentRun> agents;
  std::optional<GateRecord> gate;
  std::vector<GateTimes> earlier_gates; // the gates before `gate`, in order
  std::optional<MergeRecord> merged;
  std::optional<std::string> archive; // ref of the archive on abort
  std::optional<Intent> intent;       // an unfinished change of this wave
  std::vector<Attempt> attempts;      // git wave run's launches, in order
  std::vector<Pause> pauses;          // where git wave run blocked, in order
  Json extra = Json::object();

  const AgentRun* find(std::string_view agent) const;
  AgentRun* find(std::string_view agent);
};

struct State {
  int version = state_version;
  std::string run;
  std::string integration; // branch name, e.g. "main"
  std::string plan_commit; // commit the plan snapshot was read from
  // The plan's path in plan_commit's tree (from the repository's root); empty
  // in states written before it was recorded.
  std::string plan_path;
  std::string created_at;
  std::vector<WaveRun> waves; // in run order; a wave started again after an abort appears twice
  std::vector<Action> actions;       // a person's decisions, in order
  std::vector<Amendment> amendments; // the plan replaced in the run, in order
  Json extra = Json::object();

  // The wave the run is at: the last one not aborted, or null when none is.
  const WaveRun* current() const;
  WaveRun* current();
  // The last entry for wave `label` that was not aborted, or null.
  const WaveRun* find_wave(std::string_view label) const;
  // The first wave with an unfinished intent, or null.
  const WaveRun* pending() const;
  // The wave and agent entry of `agent` in the last non-aborted wave that has it.
  std::optional<std::pair<const WaveRun*, const AgentRun*>> find_agent(std::string_view agent) const;
};

// The JSON of a gate record and of an intent, exactly as state.json holds
// them: `git wave status --json` prints these, so the two cannot drift.
Json to_json(const GateRecord& gate);
Json to_json(const Intent& intent);

// state.json text: pretty-printed, two-space indent, keys in a fixed order,
// trailing newline.
std::string to_json_text(const State& state);

// Parses state.json (version 1 or 2). Throws wave::Error "invalid run state:
// ..." naming the field when the text is not a valid state.
State from_json_text(std::string_view text);

// Timestamps: "2024-05-01T12:00:00Z".
std::string format_time(std::chrono::system_clock::time_point t);
std::optional<std::chrono::system_clock::time_point> parse_time(std::string_view text);
std::string now_text();

} // namespace wave::run
