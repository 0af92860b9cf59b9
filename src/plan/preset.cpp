#include "plan/preset.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace wave::plan {

namespace {

using std::string_view_literals::operator""sv;

constexpr std::array names{"claude-code"sv, "codex"sv, "gemini"sv, "aider"sv};

// 'text' for sh, quotes inside closed and reopened.
std::string sh_quote(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// The commands the brief tells the agent to verify its work with: its own
// gate, then the plan's.
std::vector<std::string> verify_commands(const Plan& plan, const Agent& agent) {
  std::vector<std::string> out = agent.gate;
  for (const auto& c : plan.gate.commands) {
    if (std::find(out.begin(), out.end(), c) == out.end()) {
      out.push_back(c);
    }
  }
  return out;
}

// The turns an attempt may take at most: the agent's budget, else the
// run's (run ends an attempt past either as it goes, and launches none once
// one is spent).
std::optional<int> turn_budget(const Plan& plan, const Agent& agent) {
  return agent.budget_turns ? agent.budget_turns : plan.runner.budget_turns;
}

// The edit hook both Claude Code and Gemini CLI run before a file-writing
// tool: `git wave hook edit` reads the tool call on stdin and denies (exit
// 2, the reason on stderr) a path the agent does not own.
std::string edit_hook(const std::filesystem::path& self) {
  return sh_quote(self.string()) + " hook edit";
}

// Claude Code: print mode, streaming JSON (one event per message and tool
// call, so the run sees it alive; the last event carries cost and turns).
// Permissions come from the worktree's .claude/settings.local.json (the
// project's local settings, which Claude Code reads in print mode with no
// trust prompt): edits in the worktree (acceptEdits keeps them there), the
// brief's verify commands and git's add, commit, status, diff, log and
// restore; any other command is denied, as is everything outside the
// worktree. bypassPermissions is refused as root, and not needed. The
// PreToolUse hook denies a write to a path the agent does not own as it is
// attempted.
AgentLaunch claude_code(const Plan& plan, const Agent& agent, const std::filesystem::path& self) {
  nlohmann::json allow = nlohmann::json::array(
      {"Read", "Glob", "Grep", "LS", "Edit", "Write", "MultiEdit", "NotebookEdit", "TodoWrite",
       "Bash(git add:*)", "Bash(git commit:*)", "Bash(git status:*)", "Bash(git diff:*)", "Bash(git log:*)",
       "Bash(git restore:*)", "Bash(git show:*)"});
  for (const auto& c : verify_commands(plan, agent)) {
    allow.push_back("Bash(" + c + ")");
  }
  nlohmann::json settings = {
      {"permissions", {{"allow", allow}, {"defaultMode", "acceptEdits"}}},
      {"hooks",
       {{"PreToolUse",
         nlohmann::json::array(
             {{{"matcher", "Write|Edit|MultiEdit|NotebookEdit"},
               {"hooks", nlohmann::json::array({{{"type", "command"}, {"command", edit_hook(self)}}})}}})}}}};
  AgentLaunch out;
  out.preset = "claude-code";
  out.command = "claude -p --output-format stream-json --verbose";
  // Claude Code ends an attempt past its budget itself: the agent's, else
  // the run's (run stops launching once either is spent).
  if (const auto budget = agent.budget_usd ? agent.budget_usd : plan.runner.budget_usd) {
    out.command += fmt::format(" --max-budget-usd {}", *budget);
  }
  if (const auto turns = turn_budget(plan, agent)) {
    out.command += fmt::format(" --max-turns {}", *turns);
  }
  out.files.push_back({".claude/settings.local.json", settings.dump(2) + "\n"});
  out.exclude = {"/.claude/settings.local.json"};
  return out;
}

// Codex CLI: exec mode, JSON events, the prompt on stdin ('-'). Its
// workspace-write sandbox keeps writes in the worktree: a write into
// another agent's worktree, or anywhere else, fails as it is made. The
// sandbox also makes the git directory of the worktree read-only (it
// follows a linked worktree's gitdir pointer, and --add-dir or
// writable_roots do not lift that), so the agent cannot commit: `run`
// commits its work after the ownership check, with hooks. Codex writes
// files through shell commands, so no hook can tell the agent's paths
// from another's in its worktree: the audit at its exit does.
// The sandbox also lets commands write /tmp and $TMPDIR, where other
// worktrees (or the repository) may be: both are taken out, and the
// agent's commands get a TMPDIR of their own in the worktree, kept out of
// the ownership check by the exclude file.
AgentLaunch codex(const Plan&, const Agent&, const std::filesystem::path&) {
  AgentLaunch out;
  out.preset = "codex";
  out.command = "mkdir -p .codex-tmp && TMPDIR=\"$PWD/.codex-tmp\" codex exec --sandbox workspace-write "
                "-c sandbox_workspace_write.exclude_slash_tmp=true "
                "-c sandbox_workspace_write.exclude_tmpdir_env_var=true --json --skip-git-repo-check -";
  out.exclude = {"/.codex-tmp/"};
  return out;
}

// Gemini CLI: yolo approval (its tools run without asking), streaming
// JSON, the prompt on stdin. GEMINI_CLI_TRUST_WORKSPACE trusts this
// worktree for this process only (no entry in the user's trustedFolders),
// which enables the project settings: a BeforeTool hook that denies a
// write to a path the agent does not own, and the turn budget as its
// maxSessionTurns.
AgentLaunch gemini(const Plan& plan, const Agent& agent, const std::filesystem::path& self) {
  nlohmann::json settings = {
      {"hooks",
       {{"BeforeTool",
         nlohmann::json::array(
             {{{"matcher", "write_file|replace|edit"},
               {"hooks", nlohmann::json::array({{{"type", "command"}, {"command", edit_hook(self)}}})}}})}}}};
  if (const auto turns = turn_budget(plan, agent)) {
    settings["model"] = {{"maxSessionTurns", *turns}};
  }
  AgentLaunch out;
  out.preset = "gemini";
  out.command = "GEMINI_CLI_TRUST_WORKSPACE=true gemini --approval-mode=yolo --output-format stream-json";
  out.files.push_back({".gemini/settings.json", settings.dump(2) + "\n"});
  out.exclude = {"/.gemini/settings.json"};
  return out;
}

// aider: the brief as its message, no questions, no commits of its own,
// neither of its edits nor of the files it finds changed (run commits its
// work after the ownership check), and should it commit all the same,
// git's hooks run (aider passes --no-verify unless told
// --git-commit-verify); its history files beside the brief, out of the
// worktree, and its caches (.aider.tags.cache.v4/) kept out of the
// ownership check. It has no hook of its own before an edit: the commit
// hook and the audit at its exit hold it to its files.
AgentLaunch aider(const Plan&, const Agent&, const std::filesystem::path&) {
  AgentLaunch out;
  out.preset = "aider";
  out.command = "aider --yes-always --no-auto-commits --no-dirty-commits --git-commit-verify --no-gitignore "
                "--no-check-update --no-pretty --stream "
                "--chat-history-file \"$GIT_WAVE_BRIEF.aider.chat.md\" "
                "--input-history-file \"$GIT_WAVE_BRIEF.aider.input\" "
                "--message-file \"$GIT_WAVE_BRIEF\"";
  out.exclude = {"/.aider*"};
  return out;
}

} // namespace

std::span<const std::string_view> preset_names() {
  return names;
}

bool is_preset(std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

AgentLaunch agent_launch(const Plan& plan, std::string_view name, const std::filesystem::path& self) {
  const auto index = plan.find(std::string(name));
  if (!index) {
    return {plan.runner.launch, {}, {}, {}};
  }
  const Agent& agent = plan.agents[*index];
  std::string preset;
  if (!agent.launch.empty()) {
    return {agent.launch, {}, {}, {}};
  }
  if (!agent.agent.empty()) {
    preset = agent.agent;
  } else if (!plan.runner.launch.empty()) {
    return {plan.runner.launch, {}, {}, {}};
  } else {
    preset = plan.runner.agent;
  }
  if (preset == "claude-code") {
    return claude_code(plan, agent, self);
  }
  if (preset == "codex") {
    return codex(plan, agent, self);
  }
  if (preset == "gemini") {
    return gemini(plan, agent, self);
  }
  if (preset == "aider") {
    return aider(plan, agent, self);
  }
  return {};
}

} // namespace wave::plan
