// git wave init: a commented starter plan, and the pre-commit hook.
#include "cmd/commands.hpp"

#include "cli/plan_loader.hpp"
#include "core/error.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "git/wave_hooks.hpp"
#include "git/worktree.hpp"
#include "plan/gate_guess.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "plan/starter.hpp"
#include "util/file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

namespace wave::cmd {

namespace {

namespace fs = std::filesystem;

struct Options {
  bool from_tree = false;
  bool no_hooks = false;
  std::string plan;
};

Options parse_options(const cli::Args& args) {
  cli::Parser parser("init", "git wave init [--from-tree] [--no-hooks] [--plan <path>]",
                     "Write a commented starter plan (wave.toml) and install the pre-commit hook.");
  Options o;
  parser.flag("--from-tree", o.from_tree,
              "one agent per folder at the top of HEAD's tree, owning that folder");
  parser.flag("--no-hooks", o.no_hooks, "do not install the pre-commit hook");
  parser.plan(o.plan, "write the plan to <path> instead of wave.toml (or git config wave.plan)");
  parser.parse(args);
  return o;
}

// HEAD's tree, or nullopt when HEAD has no commit yet.
std::optional<git::Tree> head_tree(git_repository* repo) {
  const auto head = git::resolve_commit(repo, "HEAD");
  if (!head) {
    return std::nullopt;
  }
  const git::Commit commit = git::lookup_commit(repo, *head);
  return git::commit_tree(commit.get());
}

// What is at the top of HEAD's tree.
struct TopLevel {
  std::vector<std::string> folders; // for agents
  std::vector<std::string> hidden;  // ".github": left to the leader
  std::vector<std::string> skipped; // names TOML cannot hold (not UTF-8)
  std::set<std::string> files;
};

TopLevel top_level(git_tree* tree) {
  TopLevel top;
  const std::size_t n = git_tree_entrycount(tree);
  for (std::size_t i = 0; i < n; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
    const std::string name = git_tree_entry_name(entry);
    if (git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
      top.files.insert(name);
    } else if (!plan::valid_utf8(name)) {
      top.skipped.push_back(name);
    } else if (name.starts_with('.')) {
      top.hidden.push_back(name);
    } else {
      top.folders.push_back(name);
    }
  }
  return top;
}

// `path` from the top of the work tree, or nullopt when it is outside.
std::optional<std::string> path_in_tree(const fs::path& root, const fs::path& path) {
  std::error_code ec;
  const fs::path canonical_root = fs::weakly_canonical(root, ec);
  const fs::path canonical_path = fs::weakly_canonical(path, ec);
  if (ec) {
    return std::nullopt;
  }
  const fs::path rel = canonical_path.lexically_relative(canonical_root);
  if (rel.empty() || *rel.begin() == "..") {
    return std::nullopt;
  }
  return rel.generic_string();
}

// The folders that must be made for `file`, outermost first.
std::vector<fs::path> missing_folders(const fs::path& file) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path dir = file.parent_path(); !dir.empty() && !fs::exists(dir, ec); dir = dir.parent_path()) {
    missing.insert(missing.begin(), dir);
    if (dir == dir.parent_path()) {
      break;
    }
  }
  return missing;
}

// What init made: the folders for the plan and the plan itself, removed
// again (the folders only when empty) unless kept, so that a failed init
// leaves nothing behind.
class Made {
public:
  Made() = default;
  Made(const Made&) = delete;
  Made& operator=(const Made&) = delete;
  ~Made() {
    if (m_keep) {
      return;
    }
    std::error_code ec;
    for (auto it = m_paths.rbegin(); it != m_paths.rend(); ++it) {
      fs::remove(*it, ec); // a folder only when empty
    }
  }
  void add(fs::path path) { m_paths.push_back(std::move(path)); }
  void keep() { m_keep = true; }

private:
  std::vector<fs::path> m_paths;
  bool m_keep = false;
};

// Checks the text about to be written, as `git wave plan` will: a starter
// plan that does not pass would be a bug here, not the user's.
void check_starter(const std::string& text, const std::string& shown) {
  auto result = plan::parse(text, shown);
  if (result.plan) {
    plan::schedule(*result.plan, false, result.diagnostics);
  }
  if (result.diagnostics.has_errors()) {
    cli::print_diagnostics(result.diagnostics);
    throw Error(
        fmt::format("the starter plan for '{}' does not pass 'git wave plan'; nothing was written", shown),
        exit_code::fatal, {"please report this as a bug of git wave init, with the errors above"});
  }
}

std::string summary_of_gate(const std::vector<plan::GuessedCommand>& gate) {
  if (gate.empty()) {
    return "no build file at the top of the tree: write the gate commands in [gate]";
  }
  std::vector<std::string> sources;
  std::vector<std::string> commands;
  for (const auto& c : gate) {
    if (std::find(sources.begin(), sources.end(), c.source) == sources.end()) {
      sources.push_back(c.source);
    }
    commands.push_back(c.command);
  }
  return fmt::format("gate guessed from {}: {}", fmt::join(sources, ", "), fmt::join(commands, "; "));
}

// `s` as one shell word: as it is when that is safe, else quoted.
std::string shell_word(std::string_view s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("._/-+=:,@%").find(c) != std::string_view::npos;
  });
  return plain ? std::string(s) : git::shell_quote(s);
}

} // namespace

int init(const cli::Args& args) {
  const Options options = parse_options(args);
  const git::Repo repo = git::open();
  const fs::path root = git::workdir(repo.get());
  const cli::PlanPath where = cli::resolve_plan_path(repo.get(), options.plan);
  std::error_code ec;
  if (fs::symlink_status(where.path, ec).type() != fs::file_type::not_found) {
    throw Error(
        fmt::format("'{}' exists already: not overwritten", where.shown), exit_code::fatal,
        {"edit it and check it with 'git wave plan', or write a new plan elsewhere with --plan <path>"});
  }

  const auto tree = head_tree(repo.get());
  if (options.from_tree && !tree) {
    throw Error("HEAD has no commit: --from-tree needs HEAD's tree", exit_code::fatal,
                {"commit your files first, or run 'git wave init' without --from-tree for an example plan"});
  }
  TopLevel top;
  if (tree) {
    top = top_level(tree->get());
  }
  for (const auto& name : top.skipped) {
    fmt::print(stderr,
               "warning: the folder '{}' is left out: its name is not UTF-8, which a plan cannot hold\n",
               name);
  }
  if (options.from_tree && top.folders.empty()) {
    throw Error("HEAD's tree has no folder at the top to give an agent", exit_code::fatal,
                {"run 'git wave init' without --from-tree for an example plan"});
  }

  plan::StarterOptions starter;
  starter.base = git::current_branch(repo.get());
  starter.plan_path = path_in_tree(root, where.path);
  starter.from_tree = options.from_tree;
  starter.folders = top.folders;
  starter.left_out = top.hidden;
  if (tree) {
    std::set<std::string> present;
    for (const auto name : plan::gate_guess_files()) {
      if (top.files.contains(std::string(name))) {
        present.emplace(name);
      }
    }
    starter.gate = plan::guess_gate(present, [&](std::string_view name) {
      return git::read_file(repo.get(), tree->get(), name).value_or("");
    });
  }
  const std::string text = plan::starter_plan(starter);
  check_starter(text, where.shown);

  Made made;
  for (const auto& dir : missing_folders(where.path)) {
    if (!fs::create_directory(dir, ec) && ec) {
      throw Error(fmt::format("cannot create the folder '{}': {}", dir.string(), ec.message()));
    }
    made.add(dir);
  }
  if (!util::write_new_file(where.path, text)) {
    throw Error(fmt::format("'{}' exists already: not overwritten", where.shown));
  }
  made.add(where.path);
  std::optional<git::HookInstall> hook;
  if (!options.no_hooks) {
    try {
      hook = git::install_pre_commit(repo.get());
    } catch (const Error& e) {
      auto hints = e.hints();
      hints.push_back("or run 'git wave init --no-hooks' and add the check to your hook setup yourself");
      throw Error(fmt::format("{}; '{}' was not written", e.what(), where.shown), e.code(), std::move(hints));
    }
  }
  made.keep();

  const std::size_t agents = options.from_tree ? top.folders.size() : 3;
  if (options.from_tree) {
    fmt::print("wrote '{}': {} agent{}, one per folder at the top of HEAD's tree\n", where.shown, agents,
               agents == 1 ? "" : "s");
  } else {
    fmt::print("wrote '{}': an example plan of 3 agents to replace with your tasks\n", where.shown);
  }
  fmt::print("{}\n", summary_of_gate(starter.gate));
  if (hook) {
    fmt::print("{}\n", git::describe(*hook));
  } else {
    fmt::print("the pre-commit hook was not installed (--no-hooks); 'git wave start' installs it\n");
  }

  const std::string quoted = shell_word(where.shown);
  const std::string plan_arg = options.plan.empty() ? "" : " --plan " + quoted;
  fmt::print("\nnext steps:\n");
  fmt::print("  {:<30} {}\n", "edit " + quoted, "the agents' tasks, what each owns, 'after', the gate");
  fmt::print("  {:<30} {}\n", "git wave plan" + plan_arg, "check it and see its waves");
  const auto default_path = cli::resolve_plan_path(repo.get(), "").path;
  if (starter.plan_path && fs::weakly_canonical(default_path, ec) != fs::weakly_canonical(where.path, ec)) {
    fmt::print("  {:<30} {}\n", "git config wave.plan " + shell_word(*starter.plan_path),
               "let every command find it without --plan");
  }
  fmt::print("  git add {} && git commit -m 'Plan the wave run'\n", quoted);
  fmt::print("  {:<30} {}\n", "git wave start" + plan_arg, "start the first wave");
  return exit_code::ok;
}

} // namespace wave::cmd
