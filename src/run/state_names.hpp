#pragma once

#include "run/state.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

// The names the run state's values have in state.json and in messages:
// shared by the state's model (state.cpp) and its JSON (state_json.cpp).
//
// Each enum's names are one switch, so that the compiler (-Wswitch, an error
// here) refuses an enumerator without a name; the table a name is parsed
// with is built from that switch, so it cannot miss one either.
namespace wave::run::detail {

constexpr std::string_view name_of(WaveStatus s) noexcept {
  switch (s) {
  case WaveStatus::started:
    return "started";
  case WaveStatus::gated:
    return "gated";
  case WaveStatus::failed:
    return "failed";
  case WaveStatus::merged:
    return "merged";
  case WaveStatus::aborted:
    return "aborted";
  }
  return {};
}

constexpr std::string_view name_of(Setup s) noexcept {
  switch (s) {
  case Setup::pending:
    return "pending";
  case Setup::ok:
    return "ok";
  case Setup::failed:
    return "failed";
  }
  return {};
}

constexpr std::string_view name_of(GateResult r) noexcept {
  switch (r) {
  case GateResult::pass:
    return "pass";
  case GateResult::fail:
    return "fail";
  }
  return {};
}

constexpr std::string_view name_of(StepOutcome s) noexcept {
  switch (s) {
  case StepOutcome::pass:
    return "pass";
  case StepOutcome::fail:
    return "fail";
  case StepOutcome::timeout:
    return "timeout";
  case StepOutcome::skipped:
    return "skipped";
  }
  return {};
}

constexpr std::string_view name_of(IntentKind k) noexcept {
  switch (k) {
  case IntentKind::commit:
    return "commit";
  case IntentKind::merge:
    return "merge";
  case IntentKind::abort:
    return "abort";
  case IntentKind::repair:
    return "repair";
  }
  return {};
}

constexpr std::string_view name_of(AttemptEnd e) noexcept {
  switch (e) {
  case AttemptEnd::running:
    return "running";
  case AttemptEnd::done:
    return "done";
  case AttemptEnd::failed:
    return "failed";
  case AttemptEnd::timeout:
    return "timeout";
  case AttemptEnd::stalled:
    return "stalled";
  case AttemptEnd::unchanged:
    return "unchanged";
  case AttemptEnd::foreign:
    return "foreign";
  case AttemptEnd::own_gate:
    return "own-gate";
  case AttemptEnd::culprit:
    return "culprit";
  case AttemptEnd::interrupted:
    return "interrupted";
  }
  return {};
}

constexpr std::string_view name_of(ActionKind k) noexcept {
  switch (k) {
  case ActionKind::accept:
    return "accept";
  case ActionKind::skip:
    return "skip";
  case ActionKind::relaunch:
    return "relaunch";
  }
  return {};
}

// How many enumerators `Enum` has: they run from 0 without gaps, each named.
template <class Enum> constexpr std::size_t enumerator_count() noexcept {
  std::size_t n = 0;
  while (!name_of(static_cast<Enum>(n)).empty()) {
    ++n;
  }
  return n;
}

// Every name of `Enum`, indexed by its enumerators' values.
template <class Enum>
inline constexpr auto names_of = [] {
  std::array<std::string_view, enumerator_count<Enum>()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = name_of(static_cast<Enum>(i));
  }
  return out;
}();

// The enumerator named `s`, or nothing.
template <class Enum> constexpr std::optional<Enum> parse_name(std::string_view s) noexcept {
  for (std::size_t i = 0; i < names_of<Enum>.size(); ++i) {
    if (s == names_of<Enum>[i]) {
      return static_cast<Enum>(i);
    }
  }
  return std::nullopt;
}

// Every name reads back as its own enumerator (no two enumerators share one).
template <class Enum> constexpr bool names_read_back() noexcept {
  for (std::size_t i = 0; i < names_of<Enum>.size(); ++i) {
    if (parse_name<Enum>(names_of<Enum>[i]) != static_cast<Enum>(i)) {
      return false;
    }
  }
  return true;
}

static_assert(names_read_back<WaveStatus>() && names_read_back<Setup>() && names_read_back<GateResult>() &&
              names_read_back<StepOutcome>() && names_read_back<IntentKind>() &&
              names_read_back<AttemptEnd>() && names_read_back<ActionKind>());

} // namespace wave::run::detail
