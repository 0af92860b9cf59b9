#include "pattern/matcher.hpp"

#include <algorithm>

namespace wave::pattern {

void Matcher::add(Glob glob, std::size_t id) {
  const auto index = static_cast<std::uint32_t>(m_globs.size());
  m_buckets[std::string(glob.fixed_dir())].push_back(index);
  m_globs.push_back(std::move(glob));
  m_ids.push_back(id);
}

// The buckets to visit are "" and every leading directory of the path: "a",
// "a/b" for "a/b/c" (a glob's fixed directory is always followed by '/').
template <class Fn> bool Matcher::each_candidate(std::string_view path, Fn fn) const {
  std::size_t end = 0;
  while (true) {
    if (const auto it = m_buckets.find(path.substr(0, end)); it != m_buckets.end()) {
      for (const std::uint32_t index : it->second) {
        if (fn(index)) {
          return true;
        }
      }
    }
    end = path.find('/', end + 1);
    if (end == std::string_view::npos) {
      return false;
    }
  }
}

void Matcher::matching(std::string_view path, std::vector<std::size_t>& out_ids) const {
  out_ids.clear();
  each_candidate(path, [&](std::uint32_t index) {
    if (m_globs[index].matches(path)) {
      out_ids.push_back(m_ids[index]);
    }
    return false;
  });
  std::sort(out_ids.begin(), out_ids.end());
  out_ids.erase(std::unique(out_ids.begin(), out_ids.end()), out_ids.end());
}

bool Matcher::matches_any(std::string_view path) const {
  return each_candidate(path, [&](std::uint32_t index) { return m_globs[index].matches(path); });
}

} // namespace wave::pattern
