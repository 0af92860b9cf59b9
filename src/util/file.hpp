#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

// Reading a whole file, and creating one that must not exist yet, all or nothing.
namespace wave::util {

// The bytes of the file at `path`, or nothing when it cannot be opened.
std::optional<std::string> read_file(const std::filesystem::path& path);

// Writes `content` to `path` only if nothing is there: the content goes to a
// temporary file beside it, which is then linked into place (link(2) never
// replaces a file), so `path` is either absent or complete, even after a
// crash. Mode 0666 less the umask. Returns false, writing nothing, when
// `path` exists (a dangling symlink included); throws Error when the file
// cannot be written.
bool write_new_file(const std::filesystem::path& path, std::string_view content);

// Writes `content` to `path`, replacing what is there, all or nothing: a
// temporary file beside it renamed into place, so a reader (or a crash)
// sees the old file or the new one, never half. Throws Error when it cannot.
void replace_file(const std::filesystem::path& path, std::string_view content);

} // namespace wave::util
