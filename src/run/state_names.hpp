#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

// The names the run state's values have in state.json and in messages:
// shared by the state's model (state.cpp) and its JSON (state_json.cpp).
namespace wave::run::detail {

inline constexpr std::array wave_status_names{"started", "gated", "failed", "merged", "aborted"};
inline constexpr std::array setup_names{"pending", "ok", "failed"};
inline constexpr std::array gate_result_names{"pass", "fail"};
inline constexpr std::array step_outcome_names{"pass", "fail", "timeout", "skipped"};
inline constexpr std::array intent_kind_names{"commit", "merge", "abort", "repair"};
inline constexpr std::array attempt_end_names{"running",   "done",    "failed",   "timeout", "stalled",
                                              "unchanged", "foreign", "own-gate", "culprit", "interrupted"};
inline constexpr std::array action_kind_names{"accept", "skip", "relaunch"};

template <std::size_t N>
std::optional<std::size_t> index_of(const std::array<const char*, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (s == names[i]) {
      return i;
    }
  }
  return std::nullopt;
}

} // namespace wave::run::detail
