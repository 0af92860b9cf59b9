#pragma once

#include "report/timeline.hpp"
#include "run/state.hpp"

#include <git2.h>

#include <chrono>

// A run's timeline, from its state: the attempts `git wave run` recorded,
// with their launch and exit times; for agents it did not launch (a run
// driven by hand: start, commit, gate, merge), one approximate attempt from
// the wave's start to the agent's last commit, read from its branch.
namespace wave::report {

Timeline gather(git_repository* repo, const run::State& state, std::chrono::system_clock::time_point now);

} // namespace wave::report
