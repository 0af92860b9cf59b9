#pragma once

#include <optional>
#include <string>
#include <string_view>

// The names a run is made of: the plan's name and its agents' names. They
// become branch and ref names, file names, tmux targets and words on a
// terminal, so they hold only what none of those can misread: letters,
// digits, '-', '_' and '.', starting with a letter or a digit, as git's rule
// for a ref component also wants (no "..", no ".lock" at the end). Checked
// wherever a name is read: the plan, a recorded state, a branch or a ref.
namespace wave::plan {

inline constexpr std::size_t max_name_length = 100;

// Why `name` is not a valid name ("contains '#'", "is empty"), or nothing.
std::optional<std::string> name_problem(std::string_view name);

} // namespace wave::plan
