#pragma once

#include "pattern/charset.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

// The syntax of a git glob pathspec (`:(glob)` magic): what git accepts, and
// the tokens of its wildcard part as git's wildmatch.c reads them.
namespace wave::pattern {

// Why a pattern was rejected. `offset` is the 0-based byte offset into the
// pattern text of the offending character; `message` is lowercase, git style.
struct PatternError {
  std::size_t offset = 0;
  std::string message;
};

struct Token {
  enum class Kind {
    one,            // one byte of `chars` (a literal, '?', or "[...]")
    star,           // '*', or '**' not between slashes: bytes but '/', any number
    globstar,       // '**' between slashes (or at an end): any bytes, '/' too
    globstar_slash, // '**/' between slashes: nothing, or any bytes then '/'
  };
  Kind kind = Kind::one;
  CharSet chars; // for Kind::one
};

struct Syntax {
  // Length of the literal head git compares byte for byte before it runs
  // wildmatch: everything before the first '*', '?', '[' or '\' (dir.c's
  // nowildcard_len). The whole text when it has none.
  std::size_t literal_len = 0;
  // The rest, as wildmatch reads it; empty when literal_len is the whole text.
  std::vector<Token> wild;
};

// Bounds that keep every pattern cheap to compile, match and compare (the
// automata grow with the wildcard part, the overlap search with their
// product): a path is at most PATH_MAX bytes, and real ownership patterns
// hold a handful of wildcards.
inline constexpr std::size_t max_pattern_length = 4096;
inline constexpr std::size_t max_wild_length = 256; // bytes from the first wildcard on
inline constexpr std::size_t max_wildcards = 32;    // '*', '**', '?', "[...]"

// Checks `text` and splits it into its literal head and wildcard tokens.
// Rejects what git refuses or would take outside the repository: an empty
// pattern, a NUL byte, an absolute path, empty, '.' and '..' path components,
// an unbalanced '[', an unknown "[:class:]", a trailing backslash, and
// patterns beyond the bounds above ("too long", "too complex").
std::variant<Syntax, PatternError> parse(std::string_view text);

} // namespace wave::pattern
