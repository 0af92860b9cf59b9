#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The plan as written in wave.toml: plain data, no TOML, no git, no CLI.
namespace wave::plan {

// 1-based position in the plan file; line 0 means "no position".
struct Location {
  int line = 0;
  int column = 0;
};

// A string value together with where it was written.
struct Located {
  std::string value;
  Location where;
};

struct Agent {
  std::string name;
  Location where; // of its name = ... (of the [[agent]] table when unnamed)
  std::string task;
  std::string title;          // the subject of its merge; empty: from the task (title_of)
  std::vector<Located> after; // dependencies, by agent name
  std::vector<Located> owns;  // git glob pathspecs
  std::optional<int> wave;    // pin: may delay, never advance
  Location wave_where;
  bool exclusive = false;        // alone in its wave
  std::vector<std::string> gate; // commands run in the agent's worktree
  std::optional<std::chrono::milliseconds> estimate;
  std::vector<std::string> setup; // commands run in a new worktree
  std::vector<std::string> copy;  // untracked files copied into a new worktree
  std::string launch;             // overrides [run] launch for this agent
  // May finish with no change (its task may need none); unset: the plan's
  // allow_empty.
  std::optional<bool> allow_empty;
  std::string agent;              // a preset (plan/preset.hpp): overrides [run]'s, not launch
  std::optional<double> budget_usd; // what its attempts may cost in a run, as its agent CLI reports it
  std::optional<int> budget_turns;  // the model turns its attempts may take in a run
  std::optional<int> budget_attempts; // its attempts in a run, over every 'git wave run'

  bool read_only() const noexcept { return owns.empty(); }
};

struct Gate {
  std::vector<std::string> commands;
  std::chrono::milliseconds timeout = std::chrono::minutes(20);
  // Gate runs a search for the culprit of a failed combined gate may take
  // (`bisect`); 0: no search; nothing: as many as it takes.
  std::optional<int> bisect;
};

// How `git wave run` launches and supervises agents ([run] in wave.toml).
struct Runner {
  std::string launch; // shell command run in the worktree, brief on stdin
  std::string agent;  // a preset (plan/preset.hpp) when there is no launch
  std::optional<double> budget_usd; // what all attempts of the run may cost, as the agent CLIs report it
  std::optional<int> budget_turns;  // the model turns all attempts of the run may take
  std::optional<int> budget_attempts; // all attempts of the run, over every 'git wave run'
  std::chrono::milliseconds timeout = std::chrono::hours(1);         // an attempt running longer is killed
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(10); // no output, no change: stalled
  int retries = 1;                                                   // attempts after the first, per agent
  std::chrono::milliseconds stagger{0};                              // between two launches of one wave
  std::vector<std::string> notify;            // run with each notable event as JSON on stdin
  std::uint64_t log_cap = 5ULL * 1024 * 1024; // an attempt's log, in bytes: head and tail kept; 0: none
};

enum class MergeStyle { merge, squash };
enum class OverlapPolicy { error, split };

struct Plan {
  std::string file = "wave.toml"; // as shown in messages
  std::string name;               // run id: branches are wave/<name>/<agent>
  std::string base;               // integration branch; empty = current branch
  std::string remote;             // the remote the run is kept on; empty = this clone only
  int max_parallel = 6;
  std::vector<Located> protected_paths; // nobody may touch
  Gate gate;
  Runner runner;
  MergeStyle merge = MergeStyle::merge;
  OverlapPolicy overlap = OverlapPolicy::error;
  // The repository lives only on file systems that tell 'Main.c' from
  // 'main.c' (and NFC from NFD): owners of such aliases are then a
  // warning, not an error (plan/aliases.hpp).
  bool case_sensitive = false;
  // Agents may finish with no change, unless they say otherwise: `run`
  // takes an unchanged branch as done and the gate passes it.
  bool allow_empty = false;
  std::string worktrees; // worktree path template; empty = default_worktrees
  Location worktrees_where;
  std::vector<std::string> setup; // run in every new worktree, before the agent's
  std::vector<std::string> copy;  // untracked files copied into every new worktree
  std::vector<Agent> agents;      // in plan order

  // Index of the agent called `agent_name`, if any.
  std::optional<std::size_t> find(std::string_view agent_name) const;
};

// May `agent` finish with no change: its own allow_empty, else the plan's.
// A read-only agent always does.
bool may_be_empty(const Plan& plan, const Agent& agent);

// Where an agent's worktree goes when the plan does not say: a sibling folder
// of the repository. Placeholders: {repo} (the work tree root, absolute),
// {run} (the plan name), {agent} (the agent name).
// The longest `title` a plan may give, and the length a task's first line
// is shortened to when there is none.
inline constexpr std::size_t max_title = 72;
inline constexpr std::size_t derived_title = 60;

// The subject of `agent`'s merge commit: its `title`; else the first line of
// its task, shortened on a word boundary to at most derived_title bytes
// ("..." marking the cut); else its name.
std::string title_of(const Agent& agent);

inline constexpr std::string_view default_worktrees = "{repo}.wave/{run}/{agent}";

// The placeholders a `worktrees` template may use.
inline constexpr std::string_view worktree_placeholders[] = {"repo", "run", "agent"};

// The worktree path of `agent_name`: plan.worktrees (or default_worktrees)
// with its placeholders replaced; a relative result is taken relative to
// `repo_root`. The template is assumed valid (parse() checks it).
std::string worktree_path(const Plan& plan, std::string_view repo_root, std::string_view agent_name);

// Why an agent's worktree cannot go to `path` (as worktree_path() gives it),
// or nullopt: it may not be, or be inside, the repository's working tree
// `repo_root` or its git dir `git_dir` (empty: not checked), where git
// would see it as files of the repository or write into its own data.
// Symbolic links in the existing part of each path are followed.
std::optional<std::string> worktree_location_problem(std::string_view path, std::string_view repo_root,
                                                     std::string_view git_dir);

} // namespace wave::plan
