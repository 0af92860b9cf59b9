#pragma once

#include "plan/model.hpp"

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Agent presets: the agent CLIs users run (Claude Code, Codex CLI, Gemini
// CLI, aider) as the command line that works unattended in a git-wave
// worktree, and the settings files it needs there, as data in one place.
// Pure: `flow` writes the files (flow/preset_files), `run --dry-run` prints
// them.
namespace wave::plan {

// The names `agent = ...` accepts, in the order the manual lists them.
std::span<const std::string_view> preset_names();
bool is_preset(std::string_view name);

// A file a preset writes into the agent's worktree before each attempt,
// replacing what is there; kept out of the ownership check by `exclude`.
struct PresetFile {
  std::filesystem::path path; // relative to the worktree
  std::string content;
};

// How `git wave run` launches one agent.
struct AgentLaunch {
  std::string command;              // shell command, run in the worktree, brief on stdin
  std::string preset;               // the preset it comes from, or empty (the plan's launch)
  std::vector<PresetFile> files;    // written into the worktree
  std::vector<std::string> exclude; // patterns for the repository's info/exclude
};

// The launch of agent `name` by the plan: its own `launch`, its own
// `agent` preset, [run]'s `launch`, [run]'s `agent`, the first set. `self`
// is the git-wave program, which the presets' edit hooks run. An empty
// command when none is set.
AgentLaunch agent_launch(const Plan& plan, std::string_view name, const std::filesystem::path& self);

} // namespace wave::plan
