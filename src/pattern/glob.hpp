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

  // The literal bytes every match without glob characters ends with: the
  // tail of the wildcard part ("/x.md" for "**/x.md"), empty for a pattern
  // without wildcards (it owns everything below it).
  std::string_view plain_tail() const { return m_wild_tail; }

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
  // Steps (search nodes, edge pairs, nodes reached: memory stays in
  // proportion) after which overlap is undecided.
  // Patterns within pattern::parse()'s bounds rarely come near it.
  std::size_t budget = 1'000'000;
};

enum class Verdict {
  disjoint,  // no path matches both
  overlap,   // `witness` matches both
  undecided, // the search ran out of budget: too complex to decide
};

struct OverlapResult {
  Verdict verdict = Verdict::disjoint;
  std::string witness;  // when verdict == overlap
  std::size_t work = 0; // steps spent, for a caller's own budget
};

// A cheap necessary condition for overlap (literal heads, and with
// plain_witness literal tails, compatible): false means disjoint.
bool may_overlap(const Glob& a, const Glob& b, const OverlapOptions& options = {});

// Is there a path both `a` and `b` match, decided on the patterns alone (the
// files need not exist)? The witness is a valid path (no empty, '.', '..' or
// '.git' component), short, and made of readable characters where the
// patterns leave a choice ("src/a.c"). Memory grows with the nodes reached,
// and the search stops after options.budget steps (Verdict::undecided).
OverlapResult decide_overlap(const Glob& a, const Glob& b, const OverlapOptions& options = {});

// decide_overlap()'s witness, or nullopt when disjoint; an undecided pair
// gives an empty witness.
std::optional<std::string> overlap(const Glob& a, const Glob& b, const OverlapOptions& options = {});

} // namespace wave::pattern
