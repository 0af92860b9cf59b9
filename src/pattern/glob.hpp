#pragma once

#include "pattern/nfa.hpp"
#include "pattern/program.hpp"
#include "pattern/syntax.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>

// Git glob pathspecs, the `owns` and `protected` entries of a plan.
namespace wave::pattern {

// One pattern, anchored at the repository root, matching exactly the paths
// `git ls-files ':(glob)PATTERN'` lists:
//   - wildmatch with WM_PATHNAME: '*', '?' and "[...]" never match '/';
//     "**" between slashes (or at either end) crosses directories, "**/"
//     also matches no directory at all; elsewhere "**" is '*';
//   - the text equal to the path, or to a leading part of it that ends at a
//     '/' ("src/config" owns "src/config/x/y"), compared byte for byte even
//     when it holds wildcard characters.
// Like git, the wildcard part is matched after the literal head, so a "**"
// right after the head counts as starting the pattern: "a**" crosses '/'.
class Glob {
public:
  static std::variant<Glob, PatternError> compile(std::string_view text);

  bool matches(std::string_view path) const;

  const std::string& text() const { return m_text; }

  // The longest leading directory every match starts with ("src/config" for
  // "src/config/**/*.json"), without a trailing slash; empty when none.
  std::string_view fixed_dir() const;

  // The literal head every match starts with (the text up to its first
  // wildcard character).
  std::string_view literal_head() const;

  // The automaton of every path this pattern matches (for overlap()).
  const Nfa& automaton() const { return m_all; }

private:
  Glob() = default;

  bool literal_match(std::string_view path) const;

  std::string m_text;
  std::size_t m_literal_len = 0;
  std::size_t m_fixed_dir_len = 0;
  bool m_has_wild = false;
  std::string m_wild_tail; // literal bytes every wildcard match ends with
  Program m_wild;          // the wildcard part, run on what follows the literal head
  Nfa m_all;               // both rules, from the start of the path
};

struct OverlapOptions {
  // Only look for witnesses free of glob characters ('*', '?', '[', '\').
  // Git's literal rule makes "**/*.md" own "**/*.md/a.c", so "**/*.md" and
  // "**/*.c" overlap on that path; with this set they do not, as no real
  // tree holds such names.
  bool plain_witness = false;
};

// A path both `a` and `b` match, decided on the patterns alone (the files
// need not exist), or nullopt when there is none. The witness is a valid
// path (no empty, '.', '..' or '.git' component), short, and made of
// readable characters where the patterns leave a choice ("src/a.c").
std::optional<std::string> overlap(const Glob& a, const Glob& b, const OverlapOptions& options = {});

} // namespace wave::pattern
