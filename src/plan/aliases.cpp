#include "plan/aliases.hpp"

#include "plan/owned.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace wave::plan {

std::string fold_path(std::string_view text) {
  utf8proc_uint8_t* folded = nullptr;
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                          static_cast<utf8proc_ssize_t>(text.size()), &folded, options);
  if (n < 0) { // not UTF-8: what can be folded is ASCII
    std::string out(text);
    for (auto& c : out) {
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
    }
    return out;
  }
  const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(folded, &std::free);
  return {reinterpret_cast<const char*>(folded), static_cast<std::size_t>(n)};
}

std::optional<Plan> folded_plan(const Plan& plan) {
  Plan folded = plan;
  bool changed = false;
  const auto fold = [&changed](Located& p) {
    std::string f = fold_path(p.value);
    changed = changed || f != p.value;
    p.value = std::move(f);
  };
  for (auto& a : folded.agents) {
    std::for_each(a.owns.begin(), a.owns.end(), fold);
  }
  std::for_each(folded.protected_paths.begin(), folded.protected_paths.end(), fold);
  if (!changed) {
    return std::nullopt;
  }
  return folded;
}

void check_aliases(const Plan& plan, const Schedule& s, Diagnostics& diagnostics) {
  const auto loose_plan = folded_plan(plan);
  if (!loose_plan) {
    return; // nothing to fold: the overlap check said it all
  }
  const Plan& folded = *loose_plan;
  // The owns entry of `agent` that was folded into `folded_text`.
  const auto original = [&](std::size_t agent, const std::string& folded_text) {
    const auto& owns = folded.agents[agent].owns;
    for (std::size_t i = 0; i < owns.size(); ++i) {
      if (owns[i].value == folded_text) {
        return plan.agents[agent].owns[i].value;
      }
    }
    return folded_text;
  };
  const OwnedPatterns exact(plan);
  const OwnedPatterns loose(folded);
  for (const auto& w : s.waves) {
    if (w.agents.size() < 2) {
      continue;
    }
    const auto candidates = loose.candidates(w.agents);
    for (const auto a : w.agents) {
      for (const auto other : candidates.before(a)) {
        const auto o = loose.overlap(a, other);
        if (!o || o->undecided || loose.exhausted() || exact.overlap(a, other)) {
          continue; // no alias, too complex to tell, or an overlap reported as such
        }
        const std::string what =
            fmt::format("agents '{}' and '{}' of wave {} own paths that differ only by case or Unicode "
                        "normalisation, such as {} (by {} and {}): on macOS and Windows they are one file",
                        plan.agents[other].name, plan.agents[a].name, w.label, util::quote(o->witness),
                        util::quote(original(other, o->other_pattern)), util::quote(original(a, o->pattern)));
        if (plan.case_sensitive) {
          diagnostics.warning(o->where, what,
                              "the plan says case_sensitive = true: only clones on such file systems are safe");
        } else {
          diagnostics.error(o->where, what,
                            "give those paths to one agent or order the agents with 'after'; if the repository "
                            "is only ever checked out on case-sensitive file systems, say case_sensitive = true");
        }
      }
    }
  }
}

} // namespace wave::plan
