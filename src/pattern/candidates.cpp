#include "pattern/candidates.hpp"

#include <algorithm>
#include <string>

namespace wave::pattern {

namespace {

std::string head_key(const Glob& glob, std::size_t length) {
  return std::string(glob.literal_head().substr(0, length));
}

std::string tail_key(const Glob& glob, std::size_t length) {
  const auto tail = glob.plain_tail();
  const auto kept = tail.substr(tail.size() - std::min(tail.size(), length));
  return std::string(kept.rbegin(), kept.rend());
}

} // namespace

std::uint32_t CandidateIndex::Trie::child(std::uint32_t node, unsigned char c) const {
  for (const auto& [byte, to] : m_nodes[node].children) {
    if (byte == c) {
      return to;
    }
  }
  return 0; // the root is nobody's child
}

void CandidateIndex::Trie::insert(std::string_view key, std::uint32_t entry) {
  std::uint32_t at = 0;
  for (const char ch : key) {
    const auto c = static_cast<unsigned char>(ch);
    std::uint32_t next = child(at, c);
    if (next == 0) {
      next = static_cast<std::uint32_t>(m_nodes.size());
      m_nodes[at].children.emplace_back(c, next);
      m_nodes.emplace_back();
    }
    at = next;
  }
  m_nodes[at].entries.push_back(entry);
}

void CandidateIndex::Trie::finish() {
  // Children are created after their parent: one pass from the end.
  for (std::size_t i = m_nodes.size(); i-- > 0;) {
    auto& node = m_nodes[i];
    node.subtree = node.entries.size();
    for (const auto& [byte, to] : node.children) {
      node.subtree += m_nodes[to].subtree;
    }
  }
}

// Entries whose key is a prefix of `key` (on the path) or has `key` as a
// prefix (below its end).
std::size_t CandidateIndex::Trie::count(std::string_view key) const {
  std::uint32_t at = 0;
  std::size_t n = 0;
  for (const char ch : key) {
    n += m_nodes[at].entries.size();
    at = child(at, static_cast<unsigned char>(ch));
    if (at == 0) {
      return n;
    }
  }
  return n + m_nodes[at].subtree;
}

void CandidateIndex::Trie::collect(std::string_view key, std::vector<std::uint32_t>& out) const {
  std::uint32_t at = 0;
  for (const char ch : key) {
    const auto& here = m_nodes[at].entries;
    out.insert(out.end(), here.begin(), here.end());
    at = child(at, static_cast<unsigned char>(ch));
    if (at == 0) {
      return;
    }
  }
  std::vector<std::uint32_t> todo{at};
  while (!todo.empty()) {
    const auto node = todo.back();
    todo.pop_back();
    const auto& here = m_nodes[node].entries;
    out.insert(out.end(), here.begin(), here.end());
    for (const auto& [byte, to] : m_nodes[node].children) {
      todo.push_back(to);
    }
  }
}

void CandidateIndex::add(const Glob& glob, std::uint32_t id) {
  const auto entry = static_cast<std::uint32_t>(m_globs.size());
  m_globs.push_back(&glob);
  m_ids.push_back(id);
  m_heads.insert(head_key(glob, key_length), entry);
  m_tails.insert(tail_key(glob, key_length), entry);
}

void CandidateIndex::finish() {
  m_heads.finish();
  m_tails.finish();
}

std::vector<std::uint32_t> CandidateIndex::candidates(const Glob& glob) const {
  const auto head = head_key(glob, key_length);
  const auto tail = tail_key(glob, key_length);
  std::vector<std::uint32_t> entries;
  if (m_heads.count(head) <= m_tails.count(tail)) {
    m_heads.collect(head, entries);
  } else {
    m_tails.collect(tail, entries);
  }
  std::sort(entries.begin(), entries.end());
  OverlapOptions plain;
  plain.plain_witness = true;
  std::vector<std::uint32_t> out;
  for (const auto e : entries) {
    if (may_overlap(glob, *m_globs[e], plain)) {
      out.push_back(m_ids[e]);
    }
  }
  return out;
}

} // namespace wave::pattern
