#pragma once

#include "run/state.hpp"
#include "run/store.hpp"

#include <git2.h>

// What a server knows of a run's integration branch (`git wave hook
// pre-receive`): whether the run still has waves to land on it, and which
// wave of a state lands a given move of it.
namespace wave::gate {

// Whether a wave of the run's recorded plan is not merged yet by `stored`
// (a plan that cannot be read counts as open: the branch stays guarded).
bool run_open(const run::Stored& stored);

// The wave of `state` whose merge moves the integration branch from `from`
// to `to`: recorded as merged from `from` to `to`, its gate passed with `to`
// as the candidate. Null when no wave does.
const run::WaveRun* landing_wave(const run::State& state, const git_oid& from, const git_oid& to);

} // namespace wave::gate
