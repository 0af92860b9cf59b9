#include "git/worktree.hpp"

#include "git/cli.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>

namespace wave::git {

namespace fs = std::filesystem;

namespace {

using WorktreeHandle = std::unique_ptr<git_worktree, Free<git_worktree_free>>;

std::string first_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return std::string(util::trim(line));
}

fs::path resolved(const fs::path& p) {
  std::error_code ec;
  auto r = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : r;
}

// Runs git, its output appended to `log`; throws when it fails.
void run_git(const std::vector<std::string>& args, const fs::path& cwd, const fs::path& log,
             std::string_view what) {
  util::ProcessOptions o = git_process(args, cwd);
  o.log = log;
  const auto result = util::run_process(o);
  if (!result.ok()) {
    std::string tail(util::trim(util::tail_lines(log, 5)));
    throw Error(fmt::format("{} failed ({})", what, result.describe()), exit_code::fatal,
                {tail.empty() ? fmt::format("see '{}'", log.string())
                              : fmt::format("git said: {} (log: '{}')", tail, log.string())});
  }
}

} // namespace

std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

const std::vector<std::string>& outer_git_variables() {
  static const std::vector<std::string> names{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX",
                                              "GIT_COMMON_DIR"};
  return names;
}

util::ProcessOptions git_process(const std::vector<std::string>& args, const fs::path& cwd) {
  util::ProcessOptions o;
  o.argv.reserve(args.size() + 1);
  o.argv.emplace_back("git");
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.unset = outer_git_variables();
  o.cwd = cwd;
  return o;
}

std::vector<LinkedWorktree> linked_worktrees(git_repository* repo) {
  git_strarray names{};
  check(git_worktree_list(&names, repo), "cannot list worktrees");
  std::vector<LinkedWorktree> out;
  const fs::path common = common_dir(repo);
  for (std::size_t i = 0; i < names.count; ++i) {
    LinkedWorktree w;
    w.name = names.strings[i];
    w.admin_dir = common / "worktrees" / w.name;
    git_worktree* raw = nullptr;
    if (git_worktree_lookup(&raw, repo, names.strings[i]) != 0) {
      git_error_clear();
      continue;
    }
    const WorktreeHandle wt(raw);
    const char* path = git_worktree_path(wt.get());
    if (path == nullptr) {
      continue;
    }
    w.path = fs::path(path).lexically_normal();
    if (w.path.has_filename() == false) {
      w.path = w.path.parent_path();
    }
    std::error_code ec;
    w.present = fs::is_directory(w.path, ec);
    w.checked_out = fs::exists(w.admin_dir / "index", ec);
    w.initializing = first_line(w.admin_dir / "locked") == "initializing";
    std::string head = first_line(w.admin_dir / "HEAD");
    if (util::starts_with(head, "ref: ")) {
      head = head.substr(5);
    }
    w.head = head;
    out.push_back(std::move(w));
  }
  git_strarray_dispose(&names);
  return out;
}

std::optional<LinkedWorktree> find_worktree(const std::vector<LinkedWorktree>& worktrees,
                                            const fs::path& path) {
  const fs::path want = resolved(path);
  for (const auto& w : worktrees) {
    if (resolved(w.path) == want) {
      return w;
    }
  }
  return std::nullopt;
}

bool path_is_free(const fs::path& path) {
  std::error_code ec;
  const auto st = fs::symlink_status(path, ec);
  if (!fs::exists(st)) {
    return true;
  }
  return fs::is_directory(st) && fs::is_empty(path, ec) && !ec;
}

std::optional<fs::path> half_made_worktree(git_repository* repo, const fs::path& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    return std::nullopt;
  }
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    if (entry.path().filename() != ".git" || !entry.is_regular_file(ec)) {
      return std::nullopt;
    }
  }
  const auto named = admin_dir_of(path);
  if (!named) {
    return std::nullopt;
  }
  const fs::path admin = *named;
  const fs::path worktrees = resolved(common_dir(repo) / "worktrees");
  if (admin.parent_path() != worktrees) {
    return std::nullopt;
  }
  if (fs::exists(admin, ec) && first_line(admin / "locked") != "initializing") {
    return std::nullopt;
  }
  return admin;
}

void discard_half_made_worktree(const fs::path& path, const fs::path& admin_dir) {
  std::error_code ec;
  fs::remove(path / ".git", ec);
  if (ec) {
    throw Error(fmt::format("cannot remove '{}': {}", (path / ".git").string(), ec.message()));
  }
  fs::remove_all(admin_dir, ec);
  if (ec) {
    throw Error(fmt::format("cannot remove '{}': {}", admin_dir.string(), ec.message()));
  }
}

std::optional<std::string> blocked_parent(const std::string& path) {
  std::error_code ec;
  for (fs::path p = fs::path(path).parent_path(); !p.empty(); p = p.parent_path()) {
    const auto st = fs::status(p, ec);
    if (fs::exists(st)) {
      if (fs::is_directory(st)) {
        return std::nullopt;
      }
      return fmt::format("worktree path '{}' cannot be made: '{}' is a file, not a folder", path, p.string());
    }
    if (p == p.root_path()) {
      break;
    }
  }
  return std::nullopt;
}

void add_worktree(const fs::path& repo_root, const fs::path& path, std::string_view branch, bool force,
                  const fs::path& log) {
  std::vector<std::string> args{"worktree", "add", "--no-checkout"};
  if (force) {
    args.emplace_back("-f");
  }
  args.push_back(path.string());
  args.emplace_back(branch);
  run_git(args, repo_root, log, fmt::format("git worktree add '{}'", path.string()));
}

void checkout_worktree(const fs::path& path, const fs::path& log) {
  // `git worktree add` gives the new worktree the sparse-checkout patterns of
  // the one it runs in. An agent's worktree is always full: files a sparse
  // checkout leaves out would look deleted to the agent, to status and to
  // the lead commit (issue 10, item 1).
  const auto sparse = git::run_git(path, {"config", "--get", "--bool", "core.sparseCheckout"});
  if (sparse.ok() && util::trim(sparse.output) == "true") {
    run_git({"sparse-checkout", "disable"}, path, log,
            fmt::format("turning sparse checkout off in '{}'", path.string()));
  }
  run_git({"reset", "--hard", "--no-recurse-submodules", "--quiet"}, path, log,
          fmt::format("checking out '{}'", path.string()));
}

void move_worktree(const fs::path& repo_root, const fs::path& from, const fs::path& to, const fs::path& log) {
  run_git({"worktree", "move", from.string(), to.string()}, repo_root, log,
          fmt::format("git worktree move '{}' '{}'", from.string(), to.string()));
}

std::optional<fs::path> admin_dir_of(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path / ".git", ec)) {
    return std::nullopt;
  }
  const std::string line = first_line(path / ".git");
  if (!util::starts_with(line, "gitdir: ")) {
    return std::nullopt;
  }
  return resolved(line.substr(8));
}

void repair_worktree(const fs::path& repo_root, const fs::path& path, const fs::path& log) {
  run_git({"worktree", "repair", path.string()}, repo_root, log,
          fmt::format("git worktree repair '{}'", path.string()));
}

void switch_worktree(const fs::path& path, std::string_view branch, const fs::path& log,
                     const std::vector<std::string>* ignored) {
  // An index entry marked assume-unchanged or skip-worktree hides a file
  // the last agent changed from status, and keeps `git reset --hard` from
  // writing it: such an index goes, and every file is written anew.
  util::ProcessOptions o = git_process({"ls-files", "-v"}, path);
  std::string listed;
  o.capture = &listed;
  const bool read = util::run_process(o).ok();
  bool hidden = !read;
  for (const auto& line : util::split(listed, '\n')) {
    hidden = hidden ||
             (!line.empty() && (std::islower(static_cast<unsigned char>(line[0])) != 0 || line[0] == 'S'));
  }
  if (hidden) {
    if (const auto admin = admin_dir_of(path)) {
      std::error_code ec;
      fs::remove(*admin / "index", ec);
    }
    std::ofstream(log, std::ios::app)
        << "# its index marked files unchanged or out of the worktree: every file is written anew\n";
  }
  if (ignored == nullptr || hidden) {
    // (A hidden entry also kept status from seeing what it hid.)
    run_git({"clean", "-ffdxq"}, path, log, fmt::format("cleaning '{}'", path.string()));
  } else {
    for (const auto& entry : *ignored) {
      std::error_code ec;
      fs::path rel = fs::path(entry).relative_path();
      if (!rel.has_filename()) {
        rel = rel.parent_path(); // a folder, "name/"
      }
      if (rel.empty() || std::any_of(rel.begin(), rel.end(), [](const fs::path& c) { return c == ".."; })) {
        throw Error(fmt::format("'git status' named {} in {}, which is not a path inside it",
                                util::quote(entry), util::quote(path.string())));
      }
      fs::path gone = path / rel;
      fs::remove_all(gone, ec);
      if (ec) {
        throw Error(fmt::format("cannot delete {} from {}: {}", util::quote(entry),
                                util::quote(path.string()), ec.message()));
      }
      // Folders that held nothing else go too, as `git clean -d` has them.
      for (gone = gone.parent_path();
           gone.has_relative_path() && gone != path && fs::is_empty(gone, ec) && !ec;
           gone = gone.parent_path()) {
        fs::remove(gone, ec);
      }
    }
  }
  run_git({"symbolic-ref", "HEAD", fmt::format("refs/heads/{}", branch)}, path, log,
          fmt::format("switching '{}' to '{}'", path.string(), branch));
  run_git({"reset", "--hard", "--no-recurse-submodules", "--quiet"}, path, log,
          fmt::format("checking out '{}'", path.string()));
}

} // namespace wave::git
