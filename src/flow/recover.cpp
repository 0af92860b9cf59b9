#include "flow/recover.hpp"

#include "core/error.hpp"
#include "flow/abort.hpp"
#include "flow/merge.hpp"
#include "flow/remote_refs.hpp"
#include "flow/trash.hpp"
#include "gate/lead_commit.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "run/branch.hpp"
#include "run/lock.hpp"
#include "run/store.hpp"
#include "run/wave_id.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::flow {

namespace fs = std::filesystem;

namespace {

std::string by(const run::Intent& intent) {
  // A state fetched from a remote is text anyone who could push wrote.
  return intent.command.empty() ? std::string("git wave") : util::escape_control(intent.command);
}

void finish_commits(const std::string& run, const run::WaveRun& w, std::vector<std::string>& notes) {
  const run::Intent& intent = *w.intent;
  for (const auto& step : intent.agents) {
    const run::AgentRun* a = w.find(step.name);
    if (a == nullptr || step.from.empty() || step.to.empty()) {
      continue;
    }
    const std::string branch = "refs/heads/" + run::branch_of(run, *a);
    const std::string done = gate::WorktreeSnapshot::finish(a->worktree, branch, git::oid_from(step.from),
                                                            git::oid_from(step.to), step.index);
    if (!done.empty()) {
      notes.push_back(fmt::format("{} that a killed '{}' left", done, by(intent)));
    }
  }
}

// Lock files on the agents' branches that a killed git wave left: on a
// branch that does not exist (a start creating it, a merge or abort
// deleting it: no agent can be committing on it), or holding a tip an
// unfinished intent names (or nothing yet, for such a branch), or empty (a
// deletion's) on the branch of a merged wave that the merge holds (the
// clean-up of a wave merged on another machine). A lock an agent's own git
// holds, on its existing branch, holds another tip.
void clear_branch_locks(git_repository* repo, const std::string& run, const run::State& state,
                        std::vector<std::string>& notes) {
  const fs::path common = git::common_dir(repo);
  for (const auto& w : state.waves) {
    if (w.status == run::WaveStatus::aborted && !w.intent) {
      continue;
    }
    for (const auto& a : w.agents) {
      const std::string ref = "refs/heads/" + run::branch_of(run, a);
      const fs::path lock = common / (ref + ".lock");
      std::error_code ec;
      if (!fs::exists(lock, ec)) {
        continue;
      }
      bool ours = !git::resolve_commit(repo, ref).has_value() || run::is_spent_lock(common / ref, lock);
      if (!ours && w.intent) {
        const auto held = util::read_file(lock).value_or("?");
        for (const auto& step : w.intent->agents) {
          if (step.name != a.name) {
            continue;
          }
          for (const auto* oid : {&step.from, &step.to}) {
            ours = ours || held.empty() || (!oid->empty() && (*oid + "\n").rfind(held, 0) == 0);
          }
        }
      }
      if (!ours && w.status == run::WaveStatus::merged && w.merged && !w.intent) {
        const auto tip = git::resolve_commit(repo, ref);
        ours = util::read_file(lock).value_or("?").empty() && tip &&
               (refs::contains(repo, git::oid_from(w.merged->to), *tip) || refs::archived(repo, run, *tip));
      }
      if (ours && fs::remove(lock, ec)) {
        notes.push_back(fmt::format("removed '{}', left by a killed git wave",
                                    lock.lexically_relative(common).generic_string()));
      }
    }
  }
}

} // namespace

std::vector<std::string> clear_stale_locks(git_repository* repo, const std::string& run) {
  std::vector<std::string> notes;
  for (const auto& file : run::clear_ref_locks(repo, run)) {
    notes.push_back(fmt::format("removed '{}', left by a killed git wave", file));
  }
  if (const auto stored = run::load(repo, run)) {
    clear_branch_locks(repo, run, stored->state, notes);
  }
  return notes;
}

Recovery recover(git_repository* repo, const std::string& run) {
  Recovery out;
  auto& notes = out.notes;
  notes = clear_stale_locks(repo, run);
  // Worktrees a killed command moved aside and did not see deleted.
  empty_trash(repo);
  for (int round = 0; round < 8; ++round) {
    const auto stored = run::load(repo, run);
    if (!stored) {
      return out;
    }
    const run::WaveRun* w = stored->state.pending();
    if (w == nullptr) {
      return out;
    }
    out.finished = std::pair{w->intent->kind, static_cast<std::size_t>(w - stored->state.waves.data())};
    const run::WaveId id = run::WaveId::of(stored->state, *w);
    const run::Intent intent = *w->intent;
    switch (intent.kind) {
    case run::IntentKind::commit:
      finish_commits(run, *w, notes);
      run::update(repo, run, fmt::format("commit wave {}: finished after an interruption", w->label),
                  [&](run::State& state) {
                    run::WaveRun* target = id.find(state);
                    if (target == nullptr || !target->intent) {
                      return false;
                    }
                    target->intent.reset();
                    return true;
                  });
      break;
    case run::IntentKind::merge: {
      const auto merged = merge_wave(repo, run, id, MergeOptions{intent.keep, {}});
      notes.push_back(fmt::format("finished the merge of wave {} that a killed '{}' left: '{}' is at {}",
                                  id.label, by(intent), stored->state.integration,
                                  git::short_oid(merged.to)));
      if (!merged.worktree_problem.empty()) {
        notes.push_back(merged.worktree_problem);
      }
      for (const auto& line : merged.kept) {
        notes.push_back("kept " + line);
      }
      out.merged = merged;
      break;
    }
    case run::IntentKind::repair:
      out.repaired = finish_repair(repo, run, id);
      notes.push_back(fmt::format("finished the repair of '{}' that a killed '{}' left (its original commits "
                                  "are under '{}')",
                                  out.repaired->agent, by(intent), intent.archive));
      if (!out.repaired->note.empty()) {
        notes.push_back(out.repaired->note);
      }
      break;
    case run::IntentKind::abort:
      out.aborted = abort_wave(repo, run, id);
      for (const auto& line : out.aborted->kept) {
        notes.push_back("kept " + line);
      }
      notes.push_back(
          fmt::format("finished the abort of wave {} that a killed '{}' left (its work is under '{}')",
                      id.label, by(intent), intent.archive));
      break;
    }
  }
  throw Error(fmt::format("cannot settle run '{}': an intent is still recorded after finishing it", run),
              exit_code::fatal, {fmt::format("inspect it with 'git log -p {}'", run::state_ref(run))});
}

} // namespace wave::flow
