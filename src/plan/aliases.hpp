#pragma once

#include "plan/diagnostic.hpp"
#include "plan/model.hpp"
#include "plan/schedule.hpp"

#include <optional>
#include <string>
#include <string_view>

// Paths that are one file on macOS and Windows: 'src/main.c' and
// 'src/Main.c', or 'docs/ä.md' spelt NFC and NFD. Two agents of one wave
// owning such a pair would overwrite each other there, though their
// patterns do not overlap byte for byte.
namespace wave::plan {

// `text` as a case-insensitive, normalisation-insensitive file system
// compares it: Unicode case folding and canonical composition (utf8proc),
// ASCII lower case for bytes that are not UTF-8.
std::string fold_path(std::string_view text);

// `plan` with every owns and protected pattern folded (fold_path), or
// nullopt when folding changes none of them.
std::optional<Plan> folded_plan(const Plan& plan);

// For the agents of each wave of `s` whose owns patterns overlap only once
// folded: an error naming both patterns and a witness path, or a warning
// when the plan says `case_sensitive = true`.
void check_aliases(const Plan& plan, const Schedule& s, Diagnostics& diagnostics);

} // namespace wave::plan
