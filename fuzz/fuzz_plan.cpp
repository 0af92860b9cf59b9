// libFuzzer target: any bytes as wave.toml. The plan reader must answer
// every input, valid or with errors, without crashing, hanging or growing
// without bound; every error must be located and carry a hint; valid plans
// schedule, and a printed message never holds a raw control character.
#include "plan/parse.hpp"
#include "plan/schedule.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

void check_diagnostics(const wave::plan::Diagnostics& diagnostics) {
  for (const auto& d : diagnostics.items) {
    if (d.severity != wave::plan::Severity::error) {
      continue;
    }
    check(d.where.line > 0 && d.where.column > 0);
    check(!d.hint.empty());
    for (const char c : wave::plan::format(diagnostics.file, d)) {
      const auto u = static_cast<unsigned char>(c);
      check(c == '\n' || (u >= 0x20 && u != 0x7f));
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = wave::plan::parse(text, "wave.toml");
  check_diagnostics(result.diagnostics);
  check(result.plan.has_value() != result.diagnostics.has_errors());
  if (result.plan) {
    // Split mode compares every agent with every sub-wave so far, up to the
    // plan's budget: bounded, but slow under the sanitizers for big plans.
    const bool try_split = result.plan->agents.size() <= 200;
    for (const bool split : {false, true}) {
      if (split && !try_split) {
        continue;
      }
      wave::plan::Diagnostics diagnostics;
      diagnostics.file = "wave.toml";
      const auto schedule = wave::plan::schedule(*result.plan, split, diagnostics);
      check_diagnostics(diagnostics);
      check(schedule.wave_of.size() == result.plan->agents.size());
    }
  }
  return 0;
}
