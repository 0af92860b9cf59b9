#include "cmd/commands.hpp"

#include "cli/term.hpp"
#include "cmd/hook_receive.hpp"
#include "core/error.hpp"
#include "git/check.hpp"
#include "git/handle.hpp"
#include "git/hooks.hpp"
#include "git/repo.hpp"
#include "git/staged.hpp"
#include "git/wave_hooks.hpp"
#include "plan/ownership.hpp"
#include "plan/parse.hpp"
#include "run/branch.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>

namespace wave::cmd {

namespace {

namespace fs = std::filesystem;

std::string owners_text(const plan::Plan& plan, const plan::Violation& v) {
  if (v.is_protected) {
    return "protected: nobody may change it";
  }
  if (v.owners.empty()) {
    return "owned by no agent";
  }
  std::vector<std::string> names;
  for (const auto i : v.owners) {
    names.push_back(plan.agents[i].name);
  }
  return fmt::format("owned by {}", util::join(names, ", "));
}

// The paths of `violations` the index returns to their content at the base
// of the agent's wave (a foreign file restored, a file it created deleted
// again): the way out for an agent that committed a foreign file. Removed
// from `violations` and returned. Reads the run's state, so only on the
// path of a commit that is refused otherwise.
std::vector<std::string> take_restores(git_repository* repo, const std::string& run, const std::string& agent,
                                       std::vector<plan::Violation>& violations) {
  std::vector<std::string> restored;
  const auto stored = run::load(repo, run);
  const auto found = stored ? stored->state.find_agent(agent) : std::nullopt;
  if (!found || found->second->base.empty()) {
    return restored;
  }
  git_index* raw_index = nullptr;
  if (git_index_open(&raw_index, git::index_file(repo).c_str()) != 0) {
    git_error_clear(); // an index this reader does not understand: no restore is recognised
    return restored;
  }
  const git::Index index(raw_index);
  const git::Commit base = git::lookup_commit(repo, git::oid_from(found->second->base));
  const git::Tree tree = git::commit_tree(base.get());
  std::vector<plan::Violation> kept;
  for (auto& v : violations) {
    const git_index_entry* staged = git_index_get_bypath(index.get(), v.path.c_str(), 0);
    git_tree_entry* raw_entry = nullptr;
    const int rc = git_tree_entry_bypath(&raw_entry, tree.get(), v.path.c_str());
    if (rc != 0) {
      git_error_clear();
    }
    const git::TreeEntry at_base(rc == 0 ? raw_entry : nullptr);
    const bool same = at_base ? staged != nullptr && staged->mode == git_tree_entry_filemode(at_base.get()) &&
                                    git_oid_equal(&staged->id, git_tree_entry_id(at_base.get())) != 0
                              : staged == nullptr;
    if (same) {
      restored.push_back(v.path);
    } else {
      kept.push_back(std::move(v));
    }
  }
  violations = std::move(kept);
  return restored;
}

int pre_commit() {
  const git::Repo repo = git::open_for_hook();
  const auto branch = git::current_branch(repo.get());
  if (!branch) {
    return exit_code::ok;
  }
  const auto agent_branch = run::parse_agent_branch(*branch);
  if (!agent_branch) {
    return exit_code::ok;
  }
  const auto plan_text = run::load_plan_text(repo.get(), agent_branch->run);
  if (!plan_text) {
    return exit_code::ok; // named like an agent branch, but there is no such run
  }
  const std::string shown = fmt::format("plan of run '{}'", agent_branch->run);
  auto parsed = plan::parse(*plan_text, shown);
  if (!parsed.plan) {
    throw Error(fmt::format("the plan recorded for run '{}' is not valid", agent_branch->run),
                exit_code::fatal,
                {fmt::format("see it with 'git show {}:plan.toml'", run::state_ref(agent_branch->run))});
  }
  const plan::Plan& plan = *parsed.plan;
  const cli::Painter paint = cli::painter_for_stderr();
  const auto agent = plan.find(agent_branch->agent);
  if (!agent) {
    fmt::print(stderr, "{} branch '{}' names agent '{}', which run '{}' does not have\n",
               paint(cli::Color::red, "error:"), *branch, agent_branch->agent, agent_branch->run);
    fmt::print(stderr, "{} branches wave/{}/<agent> are for the run's agents; commit on another branch\n",
               paint(cli::Color::yellow, "hint:"), agent_branch->run);
    return exit_code::not_satisfied;
  }

  const auto changes = git::staged_changes(repo.get());
  std::vector<std::string> paths;
  paths.reserve(changes.size());
  for (const auto& c : changes) {
    paths.push_back(c.path);
  }
  // What the agent may touch depends only on its own patterns and the
  // protected ones: compile just those for the common case, a commit that
  // passes; the other agents' patterns are compiled only to name the owners
  // of what it may not touch.
  plan::Plan own = plan;
  own.agents = {plan.agents[*agent]};
  if (plan::Ownership(own).violations(0, paths).empty()) {
    return exit_code::ok;
  }
  const plan::Ownership ownership(plan);
  auto violations = ownership.violations(*agent, paths);
  const auto restored = take_restores(repo.get(), agent_branch->run, agent_branch->agent, violations);
  if (violations.empty()) {
    for (const auto& path : restored) {
      fmt::print(stderr, "{} '{}' returns to its content at the wave's base: accepted\n",
                 paint(cli::Color::yellow, "note:"), util::escape_control(path));
    }
    return exit_code::ok;
  }

  std::size_t width = 0;
  for (const auto& v : violations) {
    width = std::max(width, util::quote_path(v.path).size());
  }
  fmt::print(stderr, "{} agent '{}' of run '{}' may not commit {}:\n", paint(cli::Color::red, "error:"),
             agent_branch->agent, agent_branch->run,
             violations.size() == 1 ? "this path" : fmt::format("these {} paths", violations.size()));
  std::size_t next = 0;
  for (const auto& v : violations) {
    char status = 'M';
    for (; next < changes.size(); ++next) {
      if (changes[next].path == v.path) {
        status = changes[next].status;
        break;
      }
    }
    fmt::print(stderr, "  {} {:<{}}  {}\n", status, util::quote_path(v.path), width, owners_text(plan, v));
  }
  const auto& owns = plan.agents[*agent].owns;
  std::vector<std::string> patterns;
  for (const auto& p : owns) {
    patterns.push_back(p.value);
  }
  fmt::print(stderr, "{} '{}' owns {}\n", paint(cli::Color::yellow, "hint:"), agent_branch->agent,
             patterns.empty() ? std::string("nothing: it is read-only") : util::join(patterns, ", "));
  fmt::print(stderr,
             "{} unstage them with 'git restore --staged <path>...' and leave them to their owners; "
             "nothing was committed, the index is as it was\n",
             paint(cli::Color::yellow, "hint:"));
  fmt::print(stderr,
             "{} ownership comes from the plan recorded when the run started ('git wave prompt {}')\n",
             paint(cli::Color::yellow, "hint:"), agent_branch->agent);
  fmt::print(stderr,
             "{} to undo a foreign change committed earlier, commit the file back as it was at the wave's "
             "base (that is accepted), or have the lead run 'git wave repair {}'\n",
             paint(cli::Color::yellow, "hint:"), agent_branch->agent);
  return exit_code::not_satisfied;
}

// Denied edits: the reason goes to the agent's model, which reads stderr.
int deny_edit(const std::string& reason) {
  fmt::print(stderr, "{}\n", reason);
  return 2; // the agents' hook protocol: 2 blocks the tool call
}

// `git wave hook edit`: an agent CLI's hook before a file-writing tool
// (Claude Code's PreToolUse, Gemini CLI's BeforeTool) hands the tool call
// as JSON on stdin; a write to a path the agent does not own, by the plan
// recorded for the run (as the pre-commit hook reads it), is denied with
// exit 2 and a reason naming the owner and what to do instead. Anything
// but a write by an agent of a run passes.
int edit() {
  const std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  const nlohmann::json call = nlohmann::json::parse(input, nullptr, false);
  if (call.is_discarded() || !call.is_object()) {
    return deny_edit("git wave hook edit: the tool call on stdin is not a JSON object; nothing was written");
  }
  std::string target;
  if (const auto in = call.find("tool_input"); in != call.end() && in->is_object()) {
    for (const char* key : {"file_path", "notebook_path", "absolute_path", "path"}) {
      if (const auto v = in->find(key); v != in->end() && v->is_string()) {
        target = v->get<std::string>();
        break;
      }
    }
  }
  if (target.empty()) {
    return exit_code::ok;
  }
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  if (const auto c = call.find("cwd"); c != call.end() && c->is_string() && !c->get<std::string>().empty()) {
    cwd = c->get<std::string>();
  }
  const git::Repo repo = git::open(cwd);
  if (git_repository_is_bare(repo.get()) == 1) {
    return exit_code::ok;
  }
  const auto branch = git::current_branch(repo.get());
  const auto agent_branch = branch ? run::parse_agent_branch(*branch) : std::nullopt;
  if (!agent_branch) {
    return exit_code::ok;
  }
  const auto plan_text = run::load_plan_text(repo.get(), agent_branch->run);
  if (!plan_text) {
    return exit_code::ok;
  }
  auto parsed = plan::parse(*plan_text, fmt::format("plan of run '{}'", agent_branch->run));
  if (!parsed.plan) {
    return deny_edit(fmt::format(
        "git wave: the plan recorded for run '{}' is not valid: nothing may be written", agent_branch->run));
  }
  const plan::Plan& plan = *parsed.plan;
  const auto agent = plan.find(agent_branch->agent);
  if (!agent) {
    return deny_edit(
        fmt::format("git wave: run '{}' has no agent '{}': nothing may be written on branch '{}'",
                    agent_branch->run, agent_branch->agent, *branch));
  }
  const fs::path root = fs::weakly_canonical(git::workdir(repo.get()), ec);
  fs::path path = target;
  if (path.is_relative()) {
    path = cwd / path;
  }
  path = fs::weakly_canonical(path, ec);
  const fs::path rel = path.lexically_relative(root);
  const std::string name = agent_branch->agent;
  std::vector<std::string> patterns;
  for (const auto& p : plan.agents[*agent].owns) {
    patterns.push_back(p.value);
  }
  const std::string owns = patterns.empty() ? std::string("nothing: it is read-only")
                                            : fmt::format("only {}", util::join(patterns, ", "));
  if (rel.empty() || *rel.begin() == ".." || rel.is_absolute()) {
    return deny_edit(fmt::format("git wave: agent '{}' may not write '{}': it is outside its worktree '{}'. "
                                 "Work in your worktree; '{}' owns {}.",
                                 name, util::escape_control(target), root.string(), name, owns));
  }
  const std::vector<std::string> paths = {rel.generic_string()};
  plan::Plan own = plan;
  own.agents = {plan.agents[*agent]};
  if (plan::Ownership(own).violations(0, paths).empty()) {
    return exit_code::ok;
  }
  const auto violations = plan::Ownership(plan).violations(*agent, paths);
  const std::string whose =
      violations.empty() ? std::string("not its own") : owners_text(plan, violations.front());
  return deny_edit(fmt::format(
      "git wave: denied: agent '{}' may not write '{}' ({}); '{}' owns {}. Leave this file to its owner and "
      "do "
      "not change it another way (its commit would be refused). If your task needs a change there, say so in "
      "your final message and finish the rest of your task in your own files.",
      name, util::escape_control(paths.front()), whose, name, owns));
}

// On a server: git checks every object a push brings by fsck's rules (no
// `.git` path component, no `..`, no duplicate entries) unless the
// repository says otherwise already. One line saying what it did.
std::string check_pushed_objects(git_repository* repo) {
  git_config* raw = nullptr;
  git::check(git_repository_config(&raw, repo), "cannot read the repository's config");
  const git::Config config(raw);
  int value = 0;
  if (git_config_get_bool(&value, config.get(), "receive.fsckObjects") == 0) {
    return fmt::format("receive.fsckObjects is set already ({}): left as it is", value != 0 ? "true" : "false");
  }
  git_error_clear();
  git_config* raw_local = nullptr;
  git::check(git_config_open_level(&raw_local, config.get(), GIT_CONFIG_LEVEL_LOCAL),
             "cannot open the repository's config file");
  const git::Config local(raw_local);
  git::check(git_config_set_bool(local.get(), "receive.fsckObjects", 1), "cannot set receive.fsckObjects");
  return "set receive.fsckObjects=true: git checks every pushed object (git fsck's rules)";
}

// `git wave hook install|uninstall`: the pre-commit shim in the hooks
// directory git uses, chaining (and on removal restoring) a hook already there.
// In a bare repository (a server's), the pre-receive shim instead.
int install_or_uninstall(const std::string& action) {
  const git::Repo repo = git::open();
  const bool bare = git_repository_is_bare(repo.get()) == 1;
  if (action == "install") {
    const auto result = bare ? git::install_pre_receive(repo.get()) : git::install_pre_commit(repo.get());
    fmt::print("{}\n", git::describe(result));
    if (bare) {
      fmt::print("{}\n", check_pushed_objects(repo.get()));
    }
    return exit_code::ok;
  }
  const std::string name = bare ? "pre-receive" : "pre-commit";
  const git::HooksDir dir = git::hooks_dir(repo.get());
  const std::string hook = (dir.path / name).string();
  switch (git::uninstall_hook(dir.path, name, bare ? git::pre_receive_marker() : git::pre_commit_marker())) {
  case git::HookRemoval::removed:
    fmt::print("removed the {} hook '{}'\n", name, hook);
    break;
  case git::HookRemoval::restored:
    fmt::print("removed git wave's {} hook; '{}' is the hook that was there before\n", name, hook);
    break;
  case git::HookRemoval::absent:
    fmt::print("there is no {} hook in '{}'\n", name, dir.path.string());
    break;
  case git::HookRemoval::foreign:
    throw Error(fmt::format("the {} hook '{}' is not git wave's: left alone", name, hook), exit_code::fatal,
                {fmt::format("if a hook manager runs 'git wave hook {}', remove that step from its configuration",
                             name)});
  }
  return exit_code::ok;
}

} // namespace

int hook(const cli::Args& args) {
  std::string name;
  std::vector<std::string> hook_args;
  cli::Parser parser(
      "hook", "git wave hook (pre-commit | pre-receive | edit | install | uninstall)",
      "pre-commit: the check git runs before each commit; on an agent branch wave/<run>/<agent> it "
      "rejects a commit whose staged changes touch a path the agent does not own, by the plan recorded "
      "for the run; other branches pass. pre-receive: a server's check of a push (a bare repository's "
      "hook): an agent branch whose commits touch a path the agent does not own, a run state moved "
      "backwards, deleted or with its plan changed, a claim moved, an unknown ref under refs/wave/, a "
      "run's integration branch moved other than by a wave's merge, are refused; with roles "
      "(wave.receive.lead, wave.receive.agent) an agent pushes only its own branches and claims, and a "
      "pusher without a role nothing. edit: an agent CLI's hook before a file-writing tool (the agent "
      "presets "
      "install it): reads the tool call as JSON on stdin and denies (exit 2, the reason on stderr) a write "
      "to a path the agent does not own. install: add the pre-commit hook (in a bare repository the "
      "pre-receive hook, and receive.fsckObjects=true unless set), chaining one already there. "
      "uninstall: remove it, putting a chained hook back.");
  parser.positional("action", name, "pre-commit, pre-receive, edit, install or uninstall",
                    "(pre-commit | pre-receive | edit | install | uninstall)", true);
  parser.positionals("args", hook_args, "what git passed to the hook (ignored)");
  parser.parse(args);
  if (name == "pre-commit") {
    return pre_commit();
  }
  if (name == "pre-receive") {
    return pre_receive();
  }
  if (name == "edit") {
    return edit();
  }
  if (name == "install" || name == "uninstall") {
    if (!hook_args.empty()) {
      throw UsageError(fmt::format("'{}' takes no arguments", name), {fmt::format("git wave hook {}", name)});
    }
    return install_or_uninstall(name);
  }
  throw UsageError(fmt::format("unknown hook '{}'", name),
                   {"use 'git wave hook pre-commit', 'pre-receive', 'edit', 'install' or 'uninstall'"});
}

} // namespace wave::cmd
