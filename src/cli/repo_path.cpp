#include "cli/repo_path.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <optional>
#include <vector>

namespace wave::cli {

namespace fs = std::filesystem;

namespace {

// Squashes "//", drops ".", resolves ".." (nullopt when it climbs above
// the start), keeps a trailing '/'.
std::optional<std::string> normalize(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) {
        return std::nullopt;
      }
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto part : parts) {
    out += out.empty() ? "" : "/";
    out += part;
  }
  if (!out.empty() && path.ends_with('/')) {
    out += '/';
  }
  return out;
}

// `path` (absolute, normalized) relative to `root`, or nullopt when outside.
std::optional<std::string> strip_root(const std::string& path, const fs::path& root) {
  const std::string r = root.string();
  if (path == r || path == r + "/") {
    return std::string();
  }
  const std::string with_slash = r.ends_with('/') ? r : r + "/";
  if (path.starts_with(with_slash)) {
    return path.substr(with_slash.size());
  }
  return std::nullopt;
}

} // namespace

RepoPaths::RepoPaths(const fs::path& root, const fs::path& cwd)
    : m_root(root.lexically_normal()), m_canonical_root(fs::weakly_canonical(root)) {
  const fs::path rel = fs::weakly_canonical(cwd).lexically_relative(m_canonical_root);
  const std::string r = rel.generic_string();
  if (rel.empty() || r == ".." || r.starts_with("../")) {
    throw Error("this operation must be run in a work tree", exit_code::fatal,
                {fmt::format("the current directory is outside the work tree at '{}'", m_root.string())});
  }
  m_prefix = r == "." ? "" : r + "/";
}

std::string RepoPaths::resolve(std::string_view arg) const {
  const auto outside = [&] {
    return Error(fmt::format("'{}' is outside repository at '{}'", arg, m_root.string()), exit_code::fatal);
  };
  if (!arg.empty() && arg.front() == '/') {
    const std::string lexical = fs::path(arg).lexically_normal().string();
    for (const auto& root : {m_root, m_canonical_root}) {
      if (auto rest = strip_root(lexical, root)) {
        return *normalize(*rest);
      }
    }
    throw outside();
  }
  auto path = normalize(m_prefix + std::string(arg));
  if (!path) {
    throw outside();
  }
  return *path;
}

} // namespace wave::cli
