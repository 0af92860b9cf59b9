#pragma once

#include "pattern/glob.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// Many globs at once: which of them match a path. Globs are bucketed by
// their fixed directory, and a lookup tests only the buckets of the path's
// leading directories, so a path is compared with the few globs that can
// match it rather than with all of them.
namespace wave::pattern {

class Matcher {
public:
  // Adds `glob` under `id` (ids need not be distinct: an agent's patterns
  // all carry the agent's index).
  void add(Glob glob, std::size_t id);

  // Fills `out_ids` (cleared first) with the ids of the globs matching
  // `path`, ascending, each once.
  void matching(std::string_view path, std::vector<std::size_t>& out_ids) const;

  // Whether any glob matches `path`.
  bool matches_any(std::string_view path) const;

  std::size_t size() const { return m_globs.size(); }

private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Calls `fn(index)` for each glob whose fixed directory leads `path`, until
  // it returns true; returns whether one did.
  template <class Fn> bool each_candidate(std::string_view path, Fn fn) const;

  std::vector<Glob> m_globs;
  std::vector<std::size_t> m_ids;
  std::unordered_map<std::string, std::vector<std::uint32_t>, Hash, std::equal_to<>> m_buckets;
};

} // namespace wave::pattern
