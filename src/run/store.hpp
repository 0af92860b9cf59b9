#pragma once

#include "core/error.hpp"
#include "run/state.hpp"

#include <git2.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Where a run's state lives: commits on `refs/wave/<run>/state`, each with a
// tree { plan.toml, state.json }, the parent being the previous state. Every
// update is a compare-and-swap of that ref, so a crash leaves the old state
// or the new one, and of two writers racing exactly one wins.
namespace wave::run {

// The ref moved (or appeared) since the caller read it: nothing was written.
class Conflict : public Error {
public:
  explicit Conflict(std::string_view run);
};

struct Stored {
  State state;
  std::string plan_text; // the plan snapshot, verbatim
  git_oid commit{};      // the state commit read
};

// "refs/wave/<run>/state".
std::string state_ref(std::string_view run);

// The run's latest state, or nullopt when the run was never started.
// Throws Error when the ref exists but does not hold a readable state.
std::optional<Stored> load(git_repository* repo, std::string_view run);

// The state held by state commit `commit` of `run` (for a server checking a
// push, which sees the new state before its ref moves). Throws Error when
// the commit does not hold a readable state of that run.
Stored load_at(git_repository* repo, std::string_view run, const git_oid& commit);

// Only the plan snapshot of `run` (nothing when there is no such run), for
// the pre-commit hook: the state is neither read nor parsed.
std::optional<std::string> load_plan_text(git_repository* repo, std::string_view run);

// Writes a new state commit and moves the ref to it, only if the ref still
// points at `expected_old` (or, when nullopt, does not exist yet). Throws
// Conflict otherwise; the ref is then untouched. Returns the new commit.
git_oid save(git_repository* repo, std::string_view run, const State& state, std::string_view plan_text,
             std::string_view message, std::optional<git_oid> expected_old);

// The one way to change a stored run: reload it, apply `change`, write it
// with compare-and-swap; when another writer won meanwhile, the same again
// on what that one wrote (a few times, then Conflict). `change` returns false
// to write nothing. Throws Error when the run does not exist. Returns the
// state as stored afterwards.
Stored update(git_repository* repo, std::string_view run, std::string_view message,
              const std::function<bool(State&)>& change);

// The names of every run with a state ref, sorted.
std::vector<std::string> list_runs(git_repository* repo);

// "<common git dir>/wave/<run>/logs": where setup and gate logs go.
std::filesystem::path logs_dir(git_repository* repo, std::string_view run);

} // namespace wave::run
