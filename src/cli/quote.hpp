#pragma once

#include <optional>
#include <string>
#include <string_view>

// Git's C-style quoting of paths (quote.c): how `git ls-files` and `git
// check-ignore` print a path holding special bytes, and read one on stdin.
namespace wave::cli {

// `path` as git prints it: unchanged when plain, else in double quotes with
// \" \\ \a \b \t \n \v \f \r and octal escapes for other control bytes, and
// for bytes >= 0x80 when `quote_high_bytes` (git's core.quotePath, default on).
std::string quote_path(std::string_view path, bool quote_high_bytes = true);

// The path a double-quoted line stands for, or nullopt when it is badly
// quoted (no closing quote, text after it, an unknown escape).
std::optional<std::string> unquote_path(std::string_view quoted);

} // namespace wave::cli
