#pragma once

#include "pattern/glob.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

// Among many globs, the few that may overlap one, without comparing it with
// each: two globs can share a plain path only when their literal heads agree
// up to the shorter one and their literal tails do from the end (see
// may_overlap()). The heads and the reversed tails go into two tries; a
// query walks both and enumerates the smaller side.
namespace wave::pattern {

class CandidateIndex {
public:
  // Adds `glob` (which must outlive the index) under `id`.
  void add(const Glob& glob, std::uint32_t id);
  // Call once after the last add().
  void finish();
  // The ids of the added globs that may share a plain path with `glob`
  // (may_overlap() with plain_witness), in the order they were added; an id
  // added several times may come several times.
  std::vector<std::uint32_t> candidates(const Glob& glob) const;

private:
  // Keys are cut to this many bytes: the index narrows, may_overlap() decides.
  static constexpr std::size_t key_length = 64;

  class Trie {
  public:
    void insert(std::string_view key, std::uint32_t entry);
    void finish();
    std::size_t count(std::string_view key) const;
    void collect(std::string_view key, std::vector<std::uint32_t>& out) const;

  private:
    struct Node {
      std::vector<std::uint32_t> entries;
      std::vector<std::pair<unsigned char, std::uint32_t>> children;
      std::size_t subtree = 0;
    };
    std::uint32_t child(std::uint32_t node, unsigned char c) const;
    std::vector<Node> m_nodes{Node{}};
  };

  std::vector<const Glob*> m_globs; // by entry
  std::vector<std::uint32_t> m_ids; // by entry
  Trie m_heads;
  Trie m_tails;
};

} // namespace wave::pattern
