#include "gate/lead_commit.hpp"

#include "core/error.hpp"
#include "gate/gate.hpp"
#include "git/check.hpp"
#include "git/cli.hpp"
#include "git/identity.hpp"
#include "git/index_swap.hpp"
#include "git/repo.hpp"
#include "run/store.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::gate {

namespace fs = std::filesystem;

namespace {

using git::lock_of;

// Refuses, before anything moves, when git's lock on the worktree's index is
// taken: a git command is running there, or one died there.
void check_unlocked(const fs::path& index, const fs::path& worktree) {
  git::check_index_unlocked(index, worktree, {"nothing was changed"});
}

// The lock file of `branch` (a full ref name), which git and libgit2 hold
// while they update it.
fs::path branch_lock(git_repository* repo, const std::string& branch) {
  return git::common_dir(repo) / (branch + ".lock");
}

void check_branch_unlocked(git_repository* repo, const std::string& branch) {
  std::error_code ec;
  const fs::path lock = branch_lock(repo, branch);
  if (fs::exists(lock, ec)) {
    throw Error(fmt::format("branch '{}' is locked: '{}' exists", git::branch_name(branch), lock.string()),
                exit_code::fatal,
                {"a git command is updating it, or one was killed while it did",
                 fmt::format("if none is running, remove the file: rm '{}'", lock.string()),
                 "nothing was changed"});
  }
}

// Moves `branch` from `from` to `to`; false when it is elsewhere.
bool move_branch(git_repository* repo, const std::string& branch, const git_oid& from, const git_oid& to,
                 const std::string& reflog) {
  git_reference* raw = nullptr;
  const int rc = git_reference_create_matching(&raw, repo, branch.c_str(), &to, 1, &from, reflog.c_str());
  if (rc == GIT_EMODIFIED) {
    git_error_clear();
    return false;
  }
  git::check(rc, fmt::format("cannot update '{}'", branch));
  git_reference_free(raw);
  return true;
}

// The paths `git status` says differ between HEAD, the index and the files
// (untracked ones one by one, ignored ones not), both sides of a staged
// rename; nullopt when its output cannot be read, and the caller looks at
// every file instead. (A skip-worktree entry is not reported as deleted.)
std::optional<std::vector<std::string>> changed_paths(const fs::path& worktree) {
  const auto st = git::run_git(worktree, {"--no-optional-locks", "status", "--porcelain=v1", "-z",
                                          "--untracked-files=all", "--ignore-submodules=none"});
  if (!st.ok()) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  std::string_view rest = st.output;
  while (!rest.empty()) {
    const auto end = rest.find('\0');
    if (end == std::string_view::npos || end < 4 || rest[2] != ' ') {
      return std::nullopt; // not status's records (a warning on stderr, say)
    }
    const char x = rest[0];
    out.emplace_back(rest.substr(3, end - 3));
    rest.remove_prefix(end + 1);
    if (x == 'R' || x == 'C') { // the path it came from follows
      const auto from = rest.find('\0');
      if (from == std::string_view::npos) {
        return std::nullopt;
      }
      out.emplace_back(rest.substr(0, from));
      rest.remove_prefix(from + 1);
    }
  }
  return out;
}

std::string first_line(const std::string& message) {
  return message.substr(0, message.find('\n'));
}

} // namespace

WorktreeSnapshot::~WorktreeSnapshot() = default;

std::optional<WorktreeSnapshot> WorktreeSnapshot::take(const std::filesystem::path& worktree,
                                                       const std::string& branch) {
  std::error_code ec;
  if (!std::filesystem::is_directory(worktree, ec)) {
    throw Error(
        fmt::format("worktree '{}' of branch '{}' is missing", worktree.string(), git::branch_name(branch)),
        exit_code::fatal, {"recreate it with 'git worktree add' or abort the wave"});
  }
  WorktreeSnapshot s;
  s.m_worktree = worktree;
  s.m_branch = branch;
  git_repository* raw_repo = nullptr;
  git::check(git_repository_open(&raw_repo, worktree.c_str()),
             fmt::format("cannot open worktree '{}'", worktree.string()));
  s.m_repo.reset(raw_repo);

  git_reference* raw_head = nullptr;
  git::check(git_reference_lookup(&raw_head, s.m_repo.get(), "HEAD"), "cannot read HEAD");
  const git::Reference head(raw_head);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC ||
      branch != git_reference_symbolic_target(head.get())) {
    throw Error(
        fmt::format("worktree '{}' does not have branch '{}' checked out", worktree.string(),
                    git::branch_name(branch)),
        exit_code::fatal,
        {fmt::format("run 'git -C {} switch {}' first", worktree.string(), git::branch_name(branch))});
  }
  const auto tip = git::resolve_commit(s.m_repo.get(), branch);
  if (!tip) {
    throw Error(fmt::format("branch '{}' does not exist", git::branch_name(branch)));
  }
  s.m_head = *tip;

  git_index* raw_index = nullptr;
  git::check(git_repository_index(&raw_index, s.m_repo.get()), "cannot read the index");
  s.m_index.reset(raw_index);
  check_unlocked(git_index_path(s.m_index.get()), worktree);
  s.m_prepared = fs::path(git_repository_path(s.m_repo.get())) / "wave-index";
  if (git_index_has_conflicts(s.m_index.get()) != 0) {
    throw Error(fmt::format("worktree '{}' has unresolved merge conflicts", worktree.string()),
                exit_code::fatal, {"resolve them (or let the agent do it), then run the gate again"});
  }
  // git add -A, in memory only: of the paths `git status` names when it
  // can (git's preloaded index, untracked cache and fsmonitor where the
  // repository has them find them fastest), else of the whole worktree.
  const auto changed = changed_paths(worktree);
  if (changed && changed->empty()) {
    return std::nullopt;
  }
  if (changed) {
    for (const auto& path : *changed) {
      const auto st = fs::symlink_status(worktree / path);
      const int rc = fs::is_regular_file(st) || fs::is_symlink(st)
                         ? git_index_add_bypath(s.m_index.get(), path.c_str())
                         : git_index_remove_bypath(s.m_index.get(), path.c_str());
      git::check(rc, fmt::format("cannot read '{}' in '{}'", path, worktree.string()));
    }
  } else {
    git::check(git_index_add_all(s.m_index.get(), nullptr, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr),
               fmt::format("cannot read the files of '{}'", worktree.string()));
    // A file a sparse checkout leaves out (skip-worktree) is absent from
    // the disk, not deleted: its entry stays as it is.
    const auto keep_skipped = [](const char* path, const char*, void* payload) -> int {
      const git_index_entry* e = git_index_get_bypath(static_cast<git_index*>(payload), path, 0);
      return e != nullptr && (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0 ? 1 : 0;
    };
    git::check(git_index_update_all(s.m_index.get(), nullptr, keep_skipped, s.m_index.get()),
               fmt::format("cannot read the files of '{}'", worktree.string()));
  }
  git::check(git_index_write_tree(&s.m_tree, s.m_index.get()), "cannot write the worktree's tree");

  const git::Commit head_commit = git::lookup_commit(s.m_repo.get(), s.m_head);
  const git::Tree head_tree = git::commit_tree(head_commit.get());
  git_tree* raw_tree = nullptr;
  git::check(git_tree_lookup(&raw_tree, s.m_repo.get(), &s.m_tree), "cannot read the worktree's tree");
  const git::Tree new_tree(raw_tree);
  s.m_changes = git::diff_trees(s.m_repo.get(), head_tree.get(), new_tree.get());
  if (s.m_changes.empty()) {
    return std::nullopt;
  }
  return s;
}

git_oid WorktreeSnapshot::commit(const std::string& message) {
  const git_oid id = prepare(message);
  install();
  return id;
}

git_oid WorktreeSnapshot::prepare(const std::string& message) {
  m_commit = write_commit(message);
  git::prepare_index(m_index.get(), m_prepared);
  return m_commit;
}

void WorktreeSnapshot::install() {
  const fs::path index = git_index_path(m_index.get());
  std::error_code ec;
  auto drop = [&] { fs::remove(m_prepared, ec); };
  const auto moved = [&] {
    return Error(
        fmt::format("branch '{}' moved while its worktree was being committed", git::branch_name(m_branch)),
        exit_code::fatal, {"nothing was committed; run the command again"});
  };
  try {
    check_unlocked(index, m_worktree);
    check_branch_unlocked(m_repo.get(), m_branch);
    const auto tip = git::resolve_commit(m_repo.get(), m_branch);
    if (!tip || git_oid_equal(&*tip, &m_head) == 0) {
      throw moved();
    }
  } catch (...) {
    drop();
    throw;
  }
  try {
    git::install_index(m_prepared, index, m_worktree, {"nothing was changed"});
  } catch (...) {
    drop();
    throw;
  }
  const std::string reflog = fmt::format("git wave commit: {}", first_line(m_message));
  if (!move_branch(m_repo.get(), m_branch, m_head, m_commit, reflog)) {
    drop();
    throw Error(
        fmt::format("branch '{}' moved while its worktree was being committed", git::branch_name(m_branch)),
        exit_code::fatal,
        {"the worktree's index holds what was to be committed: see 'git status' there, then run the "
         "command again"});
  }
  drop();
  m_head = m_commit;
}

std::string WorktreeSnapshot::finish(const fs::path& worktree, const std::string& branch, const git_oid& from,
                                     const git_oid& to, const fs::path& prepared) {
  std::error_code ec;
  if (prepared.empty() || !fs::exists(prepared, ec)) {
    return {}; // done, or never begun
  }
  fs::remove(lock_of(prepared), ec);
  git_repository* raw_repo = nullptr;
  if (git_repository_open(&raw_repo, worktree.c_str()) != 0) {
    git_error_clear();
    fs::remove(prepared, ec);
    return {};
  }
  const git::Repo repo(raw_repo);
  const fs::path index = fs::path(git_repository_path(repo.get())) / "index";
  std::string done;
  if (git::finish_index_install(prepared, index, worktree)) {
    const auto tip = git::resolve_commit(repo.get(), branch);
    if (tip && git_oid_equal(&*tip, &from) != 0) {
      // A lock git wave itself left on the branch holds the new tip, or
      // nothing yet: it is cleared; any other is reported.
      const fs::path lock = branch_lock(repo.get(), branch);
      const auto held = util::read_file(lock);
      if (held && (git::oid_str(to) + "\n").rfind(*held, 0) == 0) {
        fs::remove(lock, ec);
      }
      check_branch_unlocked(repo.get(), branch);
      if (move_branch(repo.get(), branch, from, to, "git wave commit: finished after an interruption")) {
        done = fmt::format("finished the lead commit of '{}' ({})", git::branch_name(branch),
                           git::short_oid(to));
      }
    }
  }
  fs::remove(prepared, ec);
  return done;
}

git_oid WorktreeSnapshot::write_commit(const std::string& message) {
  const git::Signature author = git::require_identity(m_worktree, git::Role::author);
  const git::Signature committer = git::require_identity(m_worktree, git::Role::committer);
  m_message = message;

  const git::Commit parent = git::lookup_commit(m_repo.get(), m_head);
  git_tree* raw_tree = nullptr;
  git::check(git_tree_lookup(&raw_tree, m_repo.get(), &m_tree), "cannot read the worktree's tree");
  const git::Tree tree(raw_tree);
  const git_commit* parents[] = {parent.get()};
  git_oid id;
  git::check(git_commit_create(&id, m_repo.get(), nullptr, author.get(), committer.get(), nullptr,
                               message.c_str(), tree.get(), 1, parents),
             "cannot write the commit");
  return id;
}

std::vector<LeadCommit> commit_agents(const GateInput& in, const std::vector<std::size_t>& which) {
  std::vector<LeadCommit> out;
  std::vector<std::pair<std::size_t, WorktreeSnapshot>> ready; // index in `out`, snapshot
  for (const auto i : which) {
    const AgentInput& a = in.agents.at(i);
    LeadCommit& lc = out.emplace_back();
    lc.agent = a.name;
    if (a.worktree.empty()) {
      continue; // on another machine: its branch is what there is
    }
    try {
      auto snap = WorktreeSnapshot::take(a.worktree, a.branch);
      if (!snap) {
        continue;
      }
      lc.files = snap->changes().size();
      std::vector<TouchedPath> touched;
      touched.reserve(snap->changes().size());
      for (const auto& c : snap->changes()) {
        touched.push_back({c.path, git_oid{}});
      }
      lc.refused = audit(*in.plan, *in.ownership, a.plan_index, touched);
      if (!lc.refused.empty()) {
        // Foreign files put back as they were at the base are a restore, not a change.
        git_tree* raw = nullptr;
        git::check(git_tree_lookup(&raw, in.repo, &snap->tree()), "cannot read the worktree's snapshot");
        const git::Tree tree(raw);
        take_restored(in.repo, {a.base}, tree.get(), lc.refused);
      }
      if (!lc.refused.empty()) {
        continue; // the snapshot is dropped: the worktree is as the agent left it
      }
      plan::Agent agent;
      agent.name = a.name;
      agent.task = a.task;
      agent.title = a.title;
      const std::string title = plan::title_of(agent);
      const std::string task(util::trim(a.task));
      lc.commit = snap->prepare(task.empty() || task == title ? title : title + "\n\n" + task);
      ready.emplace_back(out.size() - 1, std::move(*snap));
    } catch (const Error& e) {
      lc.error = e.what();
      lc.commit.reset();
    }
  }
  if (ready.empty()) {
    return out;
  }

  // The intent first: a kill from here on leaves a record that the next
  // command of the run finishes (flow/recover).
  run::Intent intent;
  intent.kind = run::IntentKind::commit;
  intent.started_at = run::now_text();
  intent.command = in.command;
  for (const auto& [i, snap] : ready) {
    intent.agents.push_back({out[i].agent, git::oid_str(snap.head()), git::oid_str(*out[i].commit),
                             snap.prepared_index().string()});
  }
  const bool recorded = !in.run.empty();
  auto set_intent = [&](std::optional<run::Intent> value, const std::string& message) {
    run::update(in.repo, in.run, message, [&](run::State& state) {
      run::WaveRun* w = in.id.find(state);
      if (w == nullptr) {
        throw Error(fmt::format("wave {} of run '{}' disappeared from the run state", in.wave, in.run));
      }
      w->intent = value;
      return true;
    });
  };
  if (recorded) {
    set_intent(intent, fmt::format("commit wave {}: {} agent{}", in.wave, ready.size(),
                                   ready.size() == 1 ? "" : "s"));
  }
  for (auto& [i, snap] : ready) {
    try {
      snap.install();
    } catch (const Error& e) {
      out[i].error = e.what();
      out[i].commit.reset();
    }
  }
  if (recorded) {
    set_intent(std::nullopt, fmt::format("commit wave {}: done", in.wave));
  }
  return out;
}

} // namespace wave::gate
