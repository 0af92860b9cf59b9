#include "flow/merge.hpp"

#include "core/error.hpp"
#include "flow/archive.hpp"
#include "flow/cleanup.hpp"
#include "flow/trash.hpp"
#include "gate/rebuild.hpp"
#include "gate/record.hpp"
#include "gate/worktrees.hpp"
#include "git/check.hpp"
#include "git/cli.hpp"
#include "git/handle.hpp"
#include "git/repo.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "run/branch.hpp"
#include "run/lock.hpp"
#include "run/store.hpp"

#include <fmt/format.h>

#include <chrono>
#include <thread>
#include <unistd.h>

#include "util/file.hpp"

namespace wave::flow {

namespace fs = std::filesystem;

namespace {

constexpr int refused = exit_code::not_satisfied;

run::Stored load_run(git_repository* repo, const std::string& run) {
  auto stored = run::load(repo, run);
  if (!stored) {
    throw Error(fmt::format("no run named '{}'", run));
  }
  return std::move(*stored);
}

// Is `label` the last wave of the run's recorded plan? (When the plan
// cannot be read, it is taken as the last: the scratch worktree goes.)
bool last_wave(const run::Stored& stored, const std::string& label) {
  const auto parsed = plan::parse(stored.plan_text, "wave.toml");
  if (!parsed.plan) {
    return true;
  }
  plan::Diagnostics ignored;
  const plan::Schedule schedule = plan::schedule(*parsed.plan, false, ignored);
  const auto i = schedule.find_wave(label);
  return !i || *i + 1 >= schedule.waves.size();
}

run::WaveRun& attempt_of(run::Stored& stored, const run::WaveId& id) {
  run::WaveRun* w = id.find(stored.state);
  if (w == nullptr || w->status == run::WaveStatus::aborted) {
    throw Error(
        fmt::format("wave {} of run '{}' was aborted or restarted meanwhile", id.label, stored.state.run),
        refused, {"see 'git wave status'"});
  }
  return *w;
}

std::optional<std::string> tip_of(const std::vector<std::pair<std::string, std::string>>& tips,
                                  const std::string& agent) {
  for (const auto& [a, t] : tips) {
    if (a == agent) {
      return t;
    }
  }
  return std::nullopt;
}

// Everything that stops the gate from covering what would land now.
void check_gated(git_repository* repo, const run::State& state, const run::WaveRun& w, const git_oid& tip) {
  const std::string label = w.label;
  const std::string regate = "run 'git wave gate' to test what is there now, then merge";
  if (!w.gate || w.status == run::WaveStatus::started) {
    throw Error(fmt::format("wave {} has not been gated", label), refused,
                {"run 'git wave gate' first: only a gated wave can land"});
  }
  if (!w.gate->passed() || w.status != run::WaveStatus::gated) {
    const auto& summary = w.gate->summary;
    throw Error(
        fmt::format("the last gate of wave {} failed{}", label, summary.empty() ? "" : ": " + summary),
        refused, {"fix the branches (or abort the wave with 'git wave abort'), then run 'git wave gate'"});
  }
  std::vector<std::string> moved;
  if (git::oid_str(tip) != w.gate->base) {
    moved.push_back(fmt::format("the integration branch '{}' moved since the gate: it was {}, it is {}",
                                state.integration, git::short_oid(w.gate->base), git::short_oid(tip)));
  }
  for (const auto& a : w.agents) {
    const std::string branch = run::branch_of(state.run, a);
    const auto gated = tip_of(w.gate->tips, a.name);
    const auto now = git::resolve_commit(repo, "refs/heads/" + branch);
    if (!gated) {
      moved.push_back(fmt::format("agent '{}' was not part of the gate", a.name));
    } else if (!now) {
      moved.push_back(fmt::format("branch '{}' is gone (gated at {})", branch, git::short_oid(*gated)));
    } else if (git::oid_str(*now) != *gated) {
      moved.push_back(fmt::format("branch '{}' moved since the gate: it was {}, it is {}", branch,
                                  git::short_oid(*gated), git::short_oid(*now)));
    }
  }
  if (w.gate->candidate.empty()) {
    moved.push_back("the gate recorded no candidate");
  }
  if (!moved.empty()) {
    std::string what = moved.front();
    std::vector<std::string> hints(moved.begin() + 1, moved.end());
    hints.push_back(regate);
    throw Error(fmt::format("refusing to merge wave {}: {}", label, what), refused, std::move(hints));
  }
}

// Refuses, before anything moves, when the worktree of the integration
// branch has changes or untracked files the merge would overwrite.
// Only reads: no index lock is taken (a concurrent merge may be bringing the
// same worktree along), the dry run works on a copy of the index.
void check_worktree(const fs::path& wt, const std::string& branch, const git_oid& from, const git_oid& to) {
  const auto status =
      git::run_git(wt, {"--no-optional-locks", "status", "--porcelain", "--untracked-files=no"});
  if (!status.ok()) {
    throw Error(fmt::format("cannot read the status of '{}': {}", wt.string(), status.output));
  }
  if (!status.output.empty()) {
    throw Error(fmt::format("refusing to merge: the worktree '{}' of '{}' has uncommitted changes",
                            wt.string(), branch),
                exit_code::fatal, {"commit or stash them first; nothing was changed"});
  }
  const auto index_path = git::run_git(wt, {"rev-parse", "--path-format=absolute", "--git-path", "index"});
  if (!index_path.ok()) {
    throw Error(fmt::format("cannot find the index of '{}': {}", wt.string(), index_path.output));
  }
  std::error_code ec;
  const fs::path lock = index_path.output + ".lock";
  if (fs::exists(lock, ec)) {
    throw Error(fmt::format("refusing to merge: the index of '{}' is locked: '{}' exists", wt.string(),
                            lock.string()),
                exit_code::fatal,
                {"a git command is running in that worktree, or one was killed there",
                 fmt::format("if none is running, remove the file: rm '{}'", lock.string()),
                 "nothing was changed"});
  }
  const fs::path copy = fs::path(index_path.output).string() + ".wave-merge";
  fs::copy_file(index_path.output, copy, fs::copy_options::overwrite_existing, ec);
  const auto dry = git::run_git(wt, {"read-tree", "-m", "-u", "-n", git::oid_str(from), git::oid_str(to)},
                                {{"GIT_INDEX_FILE", copy.string()}});
  fs::remove(copy, ec);
  fs::remove(copy.string() + ".lock", ec);
  if (!dry.ok()) {
    throw Error(fmt::format("refusing to merge: the worktree '{}' of '{}' cannot take the merge", wt.string(),
                            branch),
                exit_code::fatal, {fmt::format("git said: {}", dry.output), "nothing was changed"});
  }
}

// Refuses, before anything moves, when git's lock on the integration
// branch is taken; a lock git wave itself left while moving it to `to` (it
// holds `to`, or nothing yet) is cleared when `ours` says it may be.
void check_branch_lock(git_repository* repo, const std::string& ref, const git_oid& to, bool ours) {
  const fs::path lock = git::common_dir(repo) / (ref + ".lock");
  std::error_code ec;
  if (!fs::exists(lock, ec)) {
    return;
  }
  if (run::is_spent_lock(git::common_dir(repo) / ref, lock)) {
    fs::remove(lock, ec);
    return;
  }
  if (ours) {
    const auto held = util::read_file(lock);
    if (held && (git::oid_str(to) + "\n").rfind(*held, 0) == 0) {
      fs::remove(lock, ec);
      return;
    }
  }
  throw Error(fmt::format("'{}' is locked: '{}' exists", git::branch_name(ref), lock.string()),
              exit_code::fatal,
              {"a git command is updating the branch, or one was killed while it did",
               fmt::format("if none is running, remove the file (rm '{}') and run 'git wave merge' again",
                           lock.string())});
}

class Lander {
public:
  Lander(git_repository* repo, const std::string& run, const run::WaveId& id, const MergeOptions& options)
      : m_repo(repo), m_run(run), m_id(id), m_label(id.label), m_options(options) {}

  MergeOutcome land() {
    run::Stored stored = load_run(m_repo, m_run);
    const run::WaveRun w = attempt_of(stored, m_id);
    m_integration = stored.state.integration;
    m_ref = "refs/heads/" + m_integration;
    m_last = last_wave(stored, m_label);
    const auto tip = git::resolve_commit(m_repo, m_ref);
    if (!tip) {
      throw Error(fmt::format("the integration branch '{}' does not exist", m_integration));
    }
    m_stored = &stored;
    if (w.intent && w.intent->kind == run::IntentKind::merge && w.merged) {
      resume(w, *tip);
    } else if (w.status == run::WaveStatus::merged) {
      throw Error(fmt::format("nothing to merge: wave {} is already merged into '{}' ({})", m_label,
                              m_integration, w.merged ? git::short_oid(w.merged->to) : std::string("?")),
                  refused, {"'git wave start' opens the next wave, or says the run is complete"});
    } else {
      claim(stored.state, w, *tip);
      if (m_options.publish) {
        try {
          m_options.publish(w);
        } catch (...) {
          unclaim();
          throw;
        }
      }
    }
    move_branch();
    bring_worktree();
    if (!m_keep) {
      clean_up(w);
    }
    run::update(m_repo, m_run, fmt::format("merge wave {}", m_label), [&](run::State& state) {
      run::WaveRun* wave = m_id.find(state);
      if (wave == nullptr || !wave->merged) {
        return false;
      }
      wave->intent.reset();
      wave->merged->archive = m_out.archive;
      wave->merged->finished_at = run::now_text();
      return true;
    });
    return m_out;
  }

private:
  // A merge a killed command left: its record says where the branch goes.
  // A record fetched from a remote could name any commit: what is not
  // here yet lands only as the gated candidate, rebuilt.
  void resume(const run::WaveRun& w, const git_oid& tip) {
    m_out.resumed = true;
    m_out.from = git::oid_from(w.merged->from);
    m_out.to = git::oid_from(w.merged->to);
    if (git_oid_equal(&tip, &m_out.to) == 0 && git_graph_descendant_of(m_repo, &tip, &m_out.to) != 1) {
      git_error_clear();
      if (!w.gate || !w.gate->passed() || w.gate->candidate != w.merged->to) {
        throw Error(
            fmt::format("refusing to finish the merge of wave {} of run '{}': it lands {}, which is not "
                        "the candidate of a passed gate",
                        m_label, m_run, git::short_oid(m_out.to)),
            exit_code::fatal,
            {fmt::format("inspect it with: git log -p {}", run::state_ref(m_run)), "nothing was changed"});
      }
      check_rebuilds(*m_stored, w);
    }
    m_keep = w.intent->keep;
    m_archive = w.intent->archive;
  }

  // Checks everything that can refuse, then records the intent: the wave
  // merged from `tip` to its candidate, the archive ref it may write.
  void claim(const run::State& state, const run::WaveRun& w, const git_oid& tip) {
    check_gated(m_repo, state, w, tip);
    check_rebuilds(*m_stored, w);
    m_out.from = tip;
    m_out.to = git::oid_from(w.gate->candidate);
    git::lookup_commit(m_repo, m_out.to); // the candidate must still exist
    m_keep = m_options.keep;
    if (const auto wt = gate::worktree_of_branch(m_repo, m_ref)) {
      check_worktree(*wt, m_integration, m_out.from, m_out.to);
    }
    check_branch_lock(m_repo, m_ref, m_out.to, false);
    if (!m_keep) {
      check_not_inside(w);
    }
    m_archive = m_keep ? std::string() : next_archive_ref(m_repo, m_run, m_label);

    run::Intent intent;
    intent.kind = run::IntentKind::merge;
    intent.started_at = run::now_text();
    intent.command = "git wave merge";
    intent.keep = m_keep;
    intent.archive = m_archive;
    for (const auto& a : w.agents) {
      const std::string branch = run::branch_of(m_run, a);
      const auto agent_tip = git::resolve_commit(m_repo, "refs/heads/" + branch);
      intent.agents.push_back({a.name, agent_tip ? git::oid_str(*agent_tip) : std::string(), "", ""});
    }
    run::update(m_repo, m_run, fmt::format("merge wave {}: landing", m_label), [&](run::State& now) {
      run::WaveRun* wave = m_id.find(now);
      if (wave == nullptr) {
        throw Error(fmt::format("wave {} of run '{}' disappeared from the run state", m_label, m_run));
      }
      wave->status = run::WaveStatus::merged;
      wave->merged =
          run::MergeRecord{git::oid_str(m_out.from), git::oid_str(m_out.to), intent.started_at, {}, {}, {}};
      wave->intent = intent;
      return true;
    });
  }

  // A merge never lands a candidate it cannot rebuild from the recorded tips
  // (a record fetched from a remote, or written by hand, could name any).
  void check_rebuilds(const run::Stored& stored, const run::WaveRun& w) const {
    if (!w.gate || !w.gate->passed() || w.gate->candidate.empty()) {
      return; // check_gated says why it cannot land
    }
    const auto parsed = plan::parse(stored.plan_text, "wave.toml");
    const auto problem = parsed.plan ? gate::rebuild_problem(m_repo, *parsed.plan, stored.state, w)
                                     : std::optional<std::string>("the run's recorded plan is not valid");
    if (problem) {
      throw Error(
          fmt::format("refusing to merge wave {} of run '{}': the gate's record does not hold: {}", m_label,
                      m_run, *problem),
          exit_code::fatal,
          {"a gate's record is believed only for the candidate rebuilt from its tips; this one was not "
           "written by git wave's gate",
           fmt::format("inspect it with: git log -p {}", run::state_ref(m_run)),
           "run 'git wave gate' to test what is there now, then merge; nothing was changed"});
    }
  }

  // The merge removes the agents' worktrees: refuses, before anything moves,
  // to pull one from under the shell that runs it.
  void check_not_inside(const run::WaveRun& w) const {
    std::error_code ec;
    const fs::path here = fs::weakly_canonical(fs::current_path(ec), ec);
    for (const auto& a : w.agents) {
      if (a.worktree.empty()) {
        continue;
      }
      const fs::path wt = fs::weakly_canonical(a.worktree, ec);
      const auto rel = here.lexically_relative(wt);
      if (!rel.empty() && *rel.begin() != "..") {
        throw Error(fmt::format("refusing to merge from inside the worktree of agent '{}' ('{}'): the merge "
                                "removes it",
                                a.name, a.worktree),
                    exit_code::fatal,
                    {"run 'git wave merge' from the main worktree, or keep the worktrees with --keep",
                     "nothing was changed"});
      }
    }
  }

  // The claim undone: the branch went elsewhere before it could move.
  [[noreturn]] void undo(const std::optional<git_oid>& now) {
    unclaim();
    throw Error(fmt::format("'{}' moved underneath (it is {} now, the gate tested {}); nothing was merged",
                            m_integration, now ? git::short_oid(*now) : std::string("gone"),
                            git::short_oid(m_out.from)),
                refused, {"run 'git wave gate' again, then merge"});
  }

  void unclaim() {
    run::update(m_repo, m_run, fmt::format("merge wave {}: undone, '{}' moved", m_label, m_integration),
                [&](run::State& state) {
                  run::WaveRun* wave = m_id.find(state);
                  if (wave == nullptr) {
                    return false;
                  }
                  wave->status = run::WaveStatus::gated;
                  wave->merged.reset();
                  wave->intent.reset();
                  return true;
                });
  }

  void move_branch() {
    const auto tip = git::resolve_commit(m_repo, m_ref);
    if (tip &&
        (git_oid_equal(&*tip, &m_out.to) != 0 || git_graph_descendant_of(m_repo, &*tip, &m_out.to) == 1)) {
      return; // already there (and maybe built on since)
    }
    // Finishing a merge that landed on a remote, in a clone whose branch
    // was behind the tip the gate tested: a fast-forward all the same.
    const bool behind = tip && m_out.resumed && git_graph_descendant_of(m_repo, &m_out.to, &*tip) == 1;
    if (!tip || (git_oid_equal(&*tip, &m_out.from) == 0 && !behind)) {
      undo(tip);
    }
    m_old = *tip;
    check_branch_lock(m_repo, m_ref, m_out.to, true);
    git_reference* raw = nullptr;
    const std::string msg = fmt::format("git wave merge: wave {} of run {}", m_label, m_run);
    const int rc =
        git_reference_create_matching(&raw, m_repo, m_ref.c_str(), &m_out.to, 1, &*tip, msg.c_str());
    if (rc == 0) {
      git_reference_free(raw);
      return;
    }
    if (rc != GIT_EMODIFIED) {
      git::check(rc, fmt::format("cannot update '{}'", m_ref));
    }
    git_error_clear();
    undo(git::resolve_commit(m_repo, m_ref));
  }

  // The integration branch's worktree follows, if it has one. Finishing
  // after a kill, it may have followed already (its index is the candidate).
  void bring_worktree() {
    const auto wt = gate::worktree_of_branch(m_repo, m_ref);
    if (!wt) {
      return;
    }
    const std::string to = git::oid_str(m_out.to);
    if (m_out.resumed && git::run_git(*wt, {"diff-index", "--cached", "--quiet", to, "--"}).ok() &&
        git::run_git(*wt, {"diff-files", "--quiet"}).ok()) {
      m_out.worktree = wt;
      return;
    }
    // Another git briefly holding the index lock (a status) is waited for.
    const std::vector<std::string> args{"read-tree", "-m", "-u", git::oid_str(m_old ? *m_old : m_out.from),
                                        to};
    auto r = git::run_git(*wt, args);
    for (int attempt = 0; !r.ok() && r.output.find("index.lock") != std::string::npos && attempt < 50;
         ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      r = git::run_git(*wt, args);
    }
    if (r.ok()) {
      m_out.worktree = wt;
    } else {
      m_out.worktree_problem = fmt::format("'{}' moved, but its worktree '{}' could not follow: {}",
                                           m_integration, wt->string(), r.output);
    }
  }

  void clean_up(const run::WaveRun& w) {
    Cleanup c;
    std::vector<ArchiveEntry> unmerged;
    std::vector<std::pair<std::string, git_oid>> deletable;
    // One `git status` per worktree, all at once: what may go or be kept.
    std::vector<fs::path> paths;
    for (const auto& a : w.agents) {
      std::error_code ec;
      paths.emplace_back(!a.worktree.empty() && fs::exists(fs::path(a.worktree) / ".git", ec) ? a.worktree
                                                                                              : "");
    }
    const auto clean = worktrees_clean(paths);
    for (std::size_t i = 0; i < w.agents.size(); ++i) {
      const auto& a = w.agents[i];
      const std::optional<bool> known = paths[i].empty() ? std::nullopt : std::optional<bool>(clean[i] != 0);
      const std::string branch = run::branch_of(m_run, a);
      const auto tip = git::resolve_commit(m_repo, "refs/heads/" + branch);
      // Before the run's last wave, a worktree is kept for an agent of the
      // next (git wave start switches it: only the files that differ are
      // written, where a new worktree writes them all).
      const bool wt_gone = m_last || !tip ? remove_agent_worktree(m_repo, a.worktree, a.name, false, c, known)
                                          : park_agent_worktree(m_repo, a.worktree, a.name, *tip, c, known);
      if (!tip) {
        continue;
      }
      if (!wt_gone) {
        c.kept.push_back(fmt::format("branch '{}': its worktree stays", branch));
        continue;
      }
      const bool merged =
          git_oid_equal(&*tip, &m_out.to) != 0 || git_graph_descendant_of(m_repo, &m_out.to, &*tip) == 1;
      if (!merged) {
        if (m_archive.empty()) {
          // Neither landed nor to be archived (a merge record that names
          // no archive for a branch the merge does not hold): it stays.
          c.kept.push_back(fmt::format("branch '{}': its commits are neither merged nor archived", branch));
          continue;
        }
        unmerged.push_back({a.name, *tip});
      }
      deletable.emplace_back(branch, *tip);
    }
    if (!unmerged.empty() && !m_archive.empty()) {
      // Squashed branches: their commits are not in the integration branch.
      const Archive kept = archive(m_repo, m_archive, m_run, git::oid_from(w.base), unmerged,
                                   fmt::format("merge wave {}", m_label));
      m_out.archive = kept.ref;
      if (!kept.ref.empty()) {
        c.done.push_back(fmt::format("kept the branches' own commits under '{}'", kept.ref));
      }
    }
    for (const auto& [branch, tip] : deletable) {
      delete_branch(m_repo, branch, tip, c);
    }
    drop_candidate(m_repo, m_run, m_label);
    if (m_last) {
      // Worktrees an earlier start kept and did not need, then the gate's
      // scratch worktree, which serves every wave of the run (a gate then
      // checks out only what changed): they go with the last.
      for (const auto& parked : parked_worktrees(m_repo, m_stored->state, m_out.to)) {
        remove_agent_worktree(m_repo, parked.path, "", false, c);
      }
      drop_scratch(m_repo, m_run);
    }
    empty_trash(m_repo);
    m_out.done = std::move(c.done);
    m_out.kept = std::move(c.kept);
  }

  git_repository* m_repo;
  std::string m_run;
  run::WaveId m_id;
  std::string m_label;
  MergeOptions m_options;
  bool m_keep = false;
  std::string m_archive;
  std::string m_integration;
  std::string m_ref;
  const run::Stored* m_stored = nullptr; // the run as land() read it
  bool m_last = true;                    // the plan's last wave: the run is complete once it is merged
  std::optional<git_oid> m_old;          // where this command moved the branch from
  MergeOutcome m_out;
};

} // namespace

MergeOutcome merge_wave(git_repository* repo, const std::string& run, const run::WaveId& wave,
                        const MergeOptions& options) {
  return Lander(repo, run, wave, options).land();
}

} // namespace wave::flow
