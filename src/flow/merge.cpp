#include "flow/merge.hpp"

#include "core/error.hpp"
#include "flow/archive.hpp"
#include "git/cli.hpp"
#include "gate/lock.hpp"
#include "gate/record.hpp"
#include "gate/worktrees.hpp"
#include "git/check.hpp"
#include "git/handle.hpp"
#include "git/repo.hpp"
#include "run/branch.hpp"
#include "run/store.hpp"

#include <fmt/format.h>

#include <chrono>
#include <thread>
#include <unistd.h>

namespace wave::flow {

namespace fs = std::filesystem;

namespace {

constexpr int refused = exit_code::not_satisfied;

// Is the process that claimed a landing still running? Unknown (another
// host) counts as running.
bool landing_alive(const run::Json& landing) {
  if (!landing.is_object() || !landing.contains("pid") || !landing["pid"].is_number_integer()) {
    return false;
  }
  return gate::process_alive(landing["pid"].get<long long>(), landing.value("host", std::string()));
}

run::Stored load_run(git_repository* repo, const std::string& run) {
  auto stored = run::load(repo, run);
  if (!stored) {
    throw Error(fmt::format("no run named '{}'", run));
  }
  return std::move(*stored);
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
  if (w.gate->result != "pass" || w.status != run::WaveStatus::gated) {
    const auto summary = w.gate->extra.value("summary", std::string());
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
    const std::string branch = a.branch.empty() ? run::agent_branch(state.run, a.name) : a.branch;
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
  const auto status = git::run_git(wt, {"--no-optional-locks", "status", "--porcelain", "--untracked-files=no"});
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
  const fs::path copy = fs::path(index_path.output).string() + fmt::format(".wave-merge-{}", ::getpid());
  std::error_code ec;
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

// Saves the state, re-reading and re-applying `change` to this wave's entry
// when another command wrote meanwhile.
template <class Change>
void save_wave(git_repository* repo, const std::string& run, const run::WaveId& id, const std::string& message,
               Change change) {
  for (int attempt = 0;; ++attempt) {
    run::Stored stored = load_run(repo, run);
    run::WaveRun* w = id.find(stored.state);
    if (w == nullptr) {
      throw Error(fmt::format("wave {} of run '{}' disappeared from the run state", id.label, run));
    }
    change(*w);
    try {
      run::save(repo, run, stored.state, stored.plan_text, message, stored.commit);
      return;
    } catch (const run::Conflict&) {
      if (attempt >= 4) {
        throw;
      }
    }
  }
}

class Lander {
public:
  Lander(git_repository* repo, const std::string& run, const run::WaveId& id, const MergeOptions& options)
      : m_repo(repo), m_run(run), m_id(id), m_label(id.label), m_options(options) {}

  MergeOutcome land() {
    run::WaveRun w;
    // A lost compare-and-swap (another command wrote, or holds the lock) is
    // decided again on the state as it is now: most likely the wave is then
    // merged or being merged by the other one.
    for (int attempt = 0;; ++attempt) {
      try {
        w = decide();
        break;
      } catch (const run::Conflict&) {
        if (attempt >= 20) {
          throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    move_branch();
    bring_worktree();
    if (!m_options.keep) {
      clean_up(w);
    }
    save_wave(m_repo, m_run, m_id, fmt::format("merge wave {}", m_label), [&](run::WaveRun& wave) {
      if (wave.merged) {
        wave.merged->extra.erase("landing");
        if (!m_out.archive.empty()) {
          wave.merged->extra["archive"] = m_out.archive;
        }
      }
    });
    return m_out;
  }

private:
  // Reads the state and either claims the wave or takes over an interrupted
  // merge of it; returns the wave as decided on.
  run::WaveRun decide() {
    run::Stored stored = load_run(m_repo, m_run);
    run::WaveRun& w = attempt_of(stored, m_id);
    m_integration = stored.state.integration;
    m_ref = "refs/heads/" + m_integration;
    const auto tip = git::resolve_commit(m_repo, m_ref);
    if (!tip) {
      throw Error(fmt::format("the integration branch '{}' does not exist", m_integration));
    }
    if (w.status == run::WaveStatus::merged) {
      resume(w, *tip);
    } else {
      claim(stored, w, *tip);
    }
    return w;
  }

  void resume(const run::WaveRun& w, const git_oid& tip) {
    const run::Json landing = w.merged ? w.merged->extra.value("landing", run::Json()) : run::Json();
    if (!w.merged || landing.is_null()) {
      throw Error(fmt::format("nothing to merge: wave {} is already merged into '{}' ({})", m_label,
                              m_integration, w.merged ? git::short_oid(w.merged->to) : std::string("?")),
                  refused, {"'git wave start' opens the next wave, or says the run is complete"});
    }
    if (landing_alive(landing)) {
      throw Error(fmt::format("wave {} is being merged by another git wave merge (process {} on {})", m_label,
                              landing.value("pid", 0LL), landing.value("host", std::string("?"))),
                  refused, {"wait for it to finish"});
    }
    m_out.resumed = true;
    m_out.from = git::oid_from(w.merged->from);
    m_out.to = git::oid_from(w.merged->to);
    m_options.keep = landing.value("keep", m_options.keep);
    if (git_oid_equal(&tip, &m_out.from) == 0 && git_oid_equal(&tip, &m_out.to) == 0) {
      throw Error(fmt::format("cannot finish the merge of wave {}: '{}' is at {}, neither at {} nor at {}",
                              m_label, m_integration, git::short_oid(tip), git::short_oid(m_out.from),
                              git::short_oid(m_out.to)),
                  exit_code::fatal, {"inspect the run with 'git log -p " + run::state_ref(m_run) + "'"});
    }
  }

  void claim(run::Stored& stored, run::WaveRun& w, const git_oid& tip) {
    check_gated(m_repo, stored.state, w, tip);
    m_out.from = tip;
    m_out.to = git::oid_from(w.gate->candidate);
    git::lookup_commit(m_repo, m_out.to); // the candidate must still exist
    m_worktree = gate::worktree_of_branch(m_repo, m_ref);
    if (m_worktree) {
      try {
        check_worktree(*m_worktree, m_integration, m_out.from, m_out.to);
      } catch (const Error&) {
        // A merge landing at this very moment changes that worktree under
        // our feet: then decide again on the state as it is now.
        const auto now = run::load(m_repo, m_run);
        if (now && git_oid_equal(&now->commit, &stored.commit) == 0) {
          throw run::Conflict(m_run);
        }
        throw;
      }
    }
    w.status = run::WaveStatus::merged;
    w.merged = run::MergeRecord{git::oid_str(m_out.from), git::oid_str(m_out.to), run::now_text(),
                                run::Json::object()};
    w.merged->extra["landing"] = {
        {"pid", static_cast<long long>(::getpid())}, {"host", gate::host_name()}, {"keep", m_options.keep}};
    run::save(m_repo, m_run, stored.state, stored.plan_text, fmt::format("merge wave {}: landing", m_label),
              stored.commit);
    m_claim = true;
  }

  void move_branch() {
    const auto tip = git::resolve_commit(m_repo, m_ref);
    if (tip && git_oid_equal(&*tip, &m_out.to) != 0) {
      return; // already there
    }
    git_reference* raw = nullptr;
    const std::string msg = fmt::format("git wave merge: wave {} of run {}", m_label, m_run);
    const int rc =
        git_reference_create_matching(&raw, m_repo, m_ref.c_str(), &m_out.to, 1, &m_out.from, msg.c_str());
    if (rc == 0) {
      git_reference_free(raw);
      return;
    }
    git_error_clear();
    const auto now = git::resolve_commit(m_repo, m_ref);
    if (now && git_oid_equal(&*now, &m_out.to) != 0) {
      return;
    }
    // Someone moved the branch between the check and the swap: undo the claim.
    save_wave(m_repo, m_run, m_id, fmt::format("merge wave {}: undone, '{}' moved", m_label, m_integration),
              [](run::WaveRun& wave) {
                wave.status = run::WaveStatus::gated;
                wave.merged.reset();
              });
    throw Error(fmt::format("'{}' moved underneath (it is {} now, the gate tested {}); nothing was merged",
                            m_integration, now ? git::short_oid(*now) : std::string("gone"),
                            git::short_oid(m_out.from)),
                refused, {"run 'git wave gate' again, then merge"});
  }

  void bring_worktree() {
    if (!m_claim) {
      m_worktree = gate::worktree_of_branch(m_repo, m_ref);
    }
    if (!m_worktree) {
      return;
    }
    // Another git briefly holding the index lock (a status, a losing merge's
    // checks) is waited for.
    auto r =
        git::run_git(*m_worktree, {"read-tree", "-m", "-u", git::oid_str(m_out.from), git::oid_str(m_out.to)});
    for (int attempt = 0; !r.ok() && r.output.find("index.lock") != std::string::npos && attempt < 50;
         ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      r = git::run_git(*m_worktree, {"read-tree", "-m", "-u", git::oid_str(m_out.from), git::oid_str(m_out.to)});
    }
    if (r.ok()) {
      m_out.worktree = m_worktree;
    } else {
      m_out.worktree_problem = fmt::format("'{}' moved, but its worktree '{}' could not follow: {}",
                                           m_integration, m_worktree->string(), r.output);
    }
  }

  void clean_up(const run::WaveRun& w) {
    std::vector<ArchiveEntry> unmerged;
    std::vector<std::pair<const run::AgentRun*, git_oid>> deletable;
    for (const auto& a : w.agents) {
      const std::string branch = a.branch.empty() ? run::agent_branch(m_run, a.name) : a.branch;
      const fs::path wt = a.worktree;
      bool wt_kept = false;
      if (!wt.empty() && fs::exists(wt)) {
        const auto status = git::run_git(wt, {"status", "--porcelain"});
        if (!status.ok() || !status.output.empty()) {
          m_out.kept.push_back(
              fmt::format("worktree '{}' of '{}': it has uncommitted changes", wt.string(), a.name));
          wt_kept = true;
        } else {
          const auto rm = git::run_git(git::common_dir(m_repo), {"worktree", "remove", wt.string()});
          if (rm.ok()) {
            m_out.done.push_back(fmt::format("removed worktree '{}'", wt.string()));
          } else {
            m_out.kept.push_back(fmt::format("worktree '{}' of '{}': {}", wt.string(), a.name, rm.output));
            wt_kept = true;
          }
        }
      }
      const auto tip = git::resolve_commit(m_repo, "refs/heads/" + branch);
      if (!tip) {
        continue;
      }
      if (wt_kept) {
        m_out.kept.push_back(fmt::format("branch '{}': its worktree stays", branch));
        continue;
      }
      const bool merged =
          git_oid_equal(&*tip, &m_out.to) != 0 || git_graph_descendant_of(m_repo, &m_out.to, &*tip) == 1;
      if (!merged) {
        unmerged.push_back({a.name, *tip});
      }
      deletable.emplace_back(&a, *tip);
    }
    if (!unmerged.empty()) {
      // Squashed branches: their commits are not in the integration branch.
      const auto base = git::oid_from(w.base);
      const Archive kept =
          archive(m_repo, m_run, m_label, base, unmerged, fmt::format("merge wave {}", m_label));
      m_out.archive = kept.ref;
      if (!kept.ref.empty()) {
        m_out.done.push_back(fmt::format("kept the branches' own commits under '{}'", kept.ref));
      }
    }
    for (const auto& [a, tip] : deletable) {
      const std::string branch = a->branch.empty() ? run::agent_branch(m_run, a->name) : a->branch;
      delete_branch(branch, tip);
    }
    gate::prune_worktree(m_repo, gate::scratch_dir(m_repo, m_run));
    const std::string cand = gate::candidate_ref(m_run, m_label);
    git_reference* raw = nullptr;
    if (git_reference_lookup(&raw, m_repo, cand.c_str()) == 0) {
      const git::Reference ref(raw);
      git_reference_delete(ref.get());
    }
    git_error_clear();
  }

  void delete_branch(const std::string& branch, const git_oid& expected) {
    git_reference* raw = nullptr;
    const std::string ref_name = "refs/heads/" + branch;
    if (git_reference_lookup(&raw, m_repo, ref_name.c_str()) != 0) {
      git_error_clear();
      return;
    }
    const git::Reference ref(raw);
    const git_oid* now = git_reference_target(ref.get());
    if (now == nullptr || git_oid_equal(now, &expected) == 0) {
      m_out.kept.push_back(fmt::format("branch '{}': it moved during the merge", branch));
      return;
    }
    if (git_reference_delete(ref.get()) == 0) {
      m_out.done.push_back(fmt::format("deleted branch '{}' (was {})", branch, git::short_oid(expected)));
    } else {
      m_out.kept.push_back(
          fmt::format("branch '{}': {}", branch, git_error_last() ? git_error_last()->message : "?"));
      git_error_clear();
    }
  }

  git_repository* m_repo;
  std::string m_run;
  run::WaveId m_id;
  std::string m_label;
  MergeOptions m_options;
  std::string m_integration;
  std::string m_ref;
  bool m_claim = false;
  std::optional<fs::path> m_worktree;
  MergeOutcome m_out;
};

} // namespace

MergeOutcome merge_wave(git_repository* repo, const std::string& run, const run::WaveId& wave,
                        const MergeOptions& options) {
  return Lander(repo, run, wave, options).land();
}

} // namespace wave::flow
