#pragma once

// Exit codes, in one place. Documented in git-wave(1), EXIT STATUS.
namespace wave::exit_code {
inline constexpr int ok = 0;
inline constexpr int not_satisfied = 1; // a gate failed, a hook rejected, a check found problems
inline constexpr int fatal = 128;       // bad plan, bad repository state, git error
inline constexpr int usage = 129;       // bad command line
} // namespace wave::exit_code
