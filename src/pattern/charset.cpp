#include "pattern/charset.hpp"

#include <algorithm>
#include <vector>

namespace wave::pattern {

namespace {

CharSet chars(std::string_view list) {
  CharSet s;
  for (const char c : list) {
    s.add(static_cast<unsigned char>(c));
  }
  return s;
}

CharSet letters() {
  CharSet s = CharSet::range('a', 'z');
  s.add(CharSet::range('A', 'Z'));
  return s;
}

CharSet punctuation() {
  CharSet s = CharSet::range('!', '/');
  s.add(CharSet::range(':', '@'));
  s.add(CharSet::range('[', '`'));
  s.add(CharSet::range('{', '~'));
  return s;
}

// Git's ctype (ctype.c, git-compat-util.h); [:blank:] and [:graph:] come from
// the C library, limited to ASCII by wildmatch.c's ISASCII.
std::optional<CharSet> class_bytes(std::string_view name) {
  const CharSet digits = CharSet::range('0', '9');
  if (name == "alnum") {
    CharSet s = letters();
    s.add(digits);
    return s;
  }
  if (name == "alpha") {
    return letters();
  }
  if (name == "blank") {
    return chars(" \t");
  }
  if (name == "cntrl") {
    CharSet s = CharSet::range(1, 31);
    s.add(127);
    return s;
  }
  if (name == "digit") {
    return digits;
  }
  if (name == "graph") {
    return CharSet::range('!', '~');
  }
  if (name == "lower") {
    return CharSet::range('a', 'z');
  }
  if (name == "print") {
    return CharSet::range(' ', '~');
  }
  if (name == "punct") {
    return punctuation();
  }
  if (name == "space") {
    return chars(" \t\n\r");
  }
  if (name == "upper") {
    return CharSet::range('A', 'Z');
  }
  if (name == "xdigit") {
    CharSet s = digits;
    s.add(CharSet::range('a', 'f'));
    s.add(CharSet::range('A', 'F'));
    return s;
  }
  return std::nullopt;
}

// All bytes but NUL, most readable first.
std::vector<unsigned char> readable_order() {
  std::vector<unsigned char> order;
  const auto append = [&order](unsigned char lo, unsigned char hi) {
    for (unsigned c = lo; c <= hi; ++c) {
      order.push_back(static_cast<unsigned char>(c));
    }
  };
  const auto append_list = [&order](std::string_view list) {
    for (const char c : list) {
      order.push_back(static_cast<unsigned char>(c));
    }
  };
  append_list("axbcdefghijklmnopqrstuvwyz");
  append('A', 'Z');
  append('0', '9');
  append_list("_-");
  for (unsigned c = '!'; c <= '~'; ++c) {
    const auto uc = static_cast<unsigned char>(c);
    if (std::find(order.begin(), order.end(), uc) == order.end()) {
      order.push_back(uc);
    }
  }
  append(' ', ' ');
  append(128, 255);
  append(1, 31);
  append(127, 127);
  return order;
}

} // namespace

std::optional<CharSet> named_class(std::string_view name) {
  return class_bytes(name);
}

std::optional<unsigned char> pick_readable(const CharSet& set) {
  if (set.empty()) {
    return std::nullopt;
  }
  if (const auto only = set.single()) {
    return only;
  }
  static const std::vector<unsigned char> order = readable_order();
  for (const unsigned char c : order) {
    if (set.has(c)) {
      return c;
    }
  }
  return std::nullopt;
}

} // namespace wave::pattern
