#include "plan/file.hpp"

#include "core/error.hpp"
#include "git/repo.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace wave::plan {

namespace fs = std::filesystem;

namespace {

// `path` as seen from the current directory, like git shows paths.
std::string shown_from_cwd(const fs::path& path) {
  std::error_code ec;
  const auto cwd = fs::current_path(ec);
  if (ec) {
    return path.string();
  }
  const auto canonical_cwd = fs::weakly_canonical(cwd, ec);
  const auto canonical_path = fs::weakly_canonical(path, ec);
  if (ec) {
    return path.string();
  }
  const auto rel = canonical_path.lexically_relative(canonical_cwd);
  return rel.empty() ? path.string() : rel.string();
}

} // namespace

PlanPath resolve_plan_path(git_repository* repo, const std::string& option) {
  if (!option.empty()) {
    return {fs::absolute(option), option};
  }
  if (repo == nullptr) {
    throw Error("not a git repository (or any of the parent directories)", exit_code::fatal,
                {"run git wave inside a repository, or name the plan with --plan <path>"});
  }
  const auto root = git::workdir(repo);
  fs::path path = root / "wave.toml";
  if (auto configured = git::config_string(repo, "wave.plan"); configured && !configured->empty()) {
    const fs::path p(*configured);
    path = p.is_absolute() ? p : root / p;
  }
  path = path.lexically_normal();
  return {path, shown_from_cwd(path)};
}

std::string read_plan_file(const PlanPath& where) {
  std::error_code ec;
  if (fs::is_directory(where.path, ec)) {
    throw Error(fmt::format("cannot read plan '{}': it is a directory", where.shown), exit_code::fatal,
                {"name the plan file with --plan <path>"});
  }
  std::ifstream in(where.path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw Error(fmt::format("cannot read plan '{}': {}", where.shown, std::strerror(err)), exit_code::fatal,
                {"write a plan (see 'man gitwave-plan'), or name it with --plan <path> or 'git config wave.plan'"});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw Error(fmt::format("cannot read plan '{}'", where.shown));
  }
  return text.str();
}

} // namespace wave::plan
