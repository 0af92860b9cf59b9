// libFuzzer target: two patterns and a path, split at the first two NUL
// bytes. Compiling never crashes; overlap() is decided within its budget;
// a witness is matched by both patterns and is a valid path; a path both
// match means the patterns are not disjoint.
#include "pattern/glob.hpp"

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <variant>

namespace {

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

bool valid_path(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') {
    return false;
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const auto part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return false;
    }
    if (part.size() == 4 && part[0] == '.' && (part[1] | 0x20) == 'g' && (part[2] | 0x20) == 'i' &&
        (part[3] | 0x20) == 't') {
      return false; // git refuses .git components; witnesses never hold one
    }
    start = end + 1;
  }
  return path.find('\0') == std::string_view::npos;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto first = input.find('\0');
  const auto a_text = input.substr(0, first);
  const auto rest = first == std::string_view::npos ? std::string_view() : input.substr(first + 1);
  const auto second = rest.find('\0');
  const auto b_text = rest.substr(0, second);
  const auto path = second == std::string_view::npos ? std::string_view() : rest.substr(second + 1);

  auto a = wave::pattern::Glob::compile(a_text);
  auto b = wave::pattern::Glob::compile(b_text);
  auto* ga = std::get_if<wave::pattern::Glob>(&a);
  auto* gb = std::get_if<wave::pattern::Glob>(&b);
  if (ga == nullptr || gb == nullptr) {
    return 0;
  }
  for (const bool plain : {false, true}) {
    wave::pattern::OverlapOptions options;
    options.plain_witness = plain;
    const auto result = wave::pattern::decide_overlap(*ga, *gb, options);
    if (result.verdict == wave::pattern::Verdict::overlap) {
      check(ga->matches(result.witness) && gb->matches(result.witness));
      check(valid_path(result.witness));
    }
    if (!plain && valid_path(path) && ga->matches(path) && gb->matches(path)) {
      check(result.verdict != wave::pattern::Verdict::disjoint);
    }
  }
  return 0;
}
