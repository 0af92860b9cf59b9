#include "git/hooks.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "util/file.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace wave::git {

namespace fs = std::filesystem;

namespace {

bool exists_no_follow(const fs::path& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

void write_atomically(const fs::path& path, std::string_view content) {
  const fs::path tmp = path.string() + ".wave-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw Error(fmt::format("cannot write '{}': {}", tmp.string(), std::strerror(errno)));
    }
    out << content;
    if (!out.flush()) {
      throw Error(fmt::format("cannot write '{}'", tmp.string()));
    }
  }
  std::error_code ec;
  fs::permissions(tmp, fs::perms(0755), ec);
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(fmt::format("cannot install '{}': {}", path.string(), ec.message()));
  }
}

// Does a hook of someone else's already run ours (a hook manager's script
// with a `git wave hook pre-commit` line)?
bool runs_git_wave(std::string_view text, std::string_view name) {
  return text.find(fmt::format("git wave hook {}", name)) != std::string_view::npos ||
         text.find(fmt::format("git-wave hook {}", name)) != std::string_view::npos;
}

} // namespace

HooksDir hooks_dir(git_repository* repo) {
  git_config* raw = nullptr;
  check(git_repository_config_snapshot(&raw, repo), "cannot read configuration");
  const Config cfg(raw);
  git_buf value = GIT_BUF_INIT;
  const int rc = git_config_get_path(&value, cfg.get(), "core.hooksPath");
  if (rc == 0) {
    const std::string configured(value.ptr, value.size);
    git_buf_dispose(&value);
    const char* raw_value = nullptr;
    std::string as_written = configured;
    if (git_config_get_string(&raw_value, cfg.get(), "core.hooksPath") == 0) {
      as_written = raw_value;
    }
    const fs::path p(configured);
    if (p.is_absolute()) {
      return {p.lexically_normal(), as_written, false};
    }
    const char* wd = git_repository_workdir(repo);
    const fs::path base = wd != nullptr ? fs::path(wd) : fs::path(git_repository_path(repo));
    return {(base / p).lexically_normal(), as_written, wd != nullptr};
  }
  git_buf_dispose(&value);
  if (rc != GIT_ENOTFOUND) {
    check(rc, "cannot read 'core.hooksPath'");
  }
  git_error_clear();
  return {common_dir(repo) / "hooks", std::nullopt, false};
}

HookInstall install_hook(const fs::path& dir, std::string_view name, std::string_view content,
                         std::string_view marker) {
  HookInstall result;
  result.hook = dir / std::string(name);
  const fs::path kept = dir / (std::string(name) + std::string(chained_suffix));
  if (exists_no_follow(kept)) {
    result.chained = kept;
  }

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw Error(fmt::format("cannot create hooks directory '{}': {}", dir.string(), ec.message()));
  }

  if (exists_no_follow(result.hook)) {
    const auto current = util::read_file(result.hook);
    if (!current) {
      throw Error(fmt::format("cannot read hook '{}'", result.hook.string()));
    }
    if (util::has_line(*current, marker)) {
      if (*current == content) {
        result.status = HookStatus::unchanged;
        return result;
      }
      write_atomically(result.hook, content);
      result.status = HookStatus::updated;
      return result;
    }
    if (runs_git_wave(*current, name)) {
      result.status = HookStatus::integrated;
      return result;
    }
    if (result.chained) {
      throw Error(
          fmt::format("cannot install the {} hook: both '{}' and '{}' exist", name, result.hook.string(),
                      kept.string()),
          exit_code::fatal,
          {fmt::format("'{}' was kept from an earlier install; another tool has since replaced git wave's "
                       "hook with its own",
                       kept.filename().string()),
           fmt::format("merge the two by hand, or add 'git wave hook {}' to '{}'", name,
                       result.hook.filename().string())});
    }
    fs::rename(result.hook, kept, ec);
    if (ec) {
      throw Error(fmt::format("cannot keep the existing hook '{}': {}", result.hook.string(), ec.message()));
    }
    result.chained = kept;
    try {
      write_atomically(result.hook, content);
    } catch (...) {
      std::error_code ignore;
      fs::rename(kept, result.hook, ignore); // put the user's hook back
      throw;
    }
    result.status = HookStatus::chained;
    return result;
  }
  write_atomically(result.hook, content);
  result.status = HookStatus::installed;
  return result;
}

HookRemoval uninstall_hook(const fs::path& dir, std::string_view name, std::string_view marker) {
  const fs::path hook = dir / std::string(name);
  const fs::path kept = dir / (std::string(name) + std::string(chained_suffix));
  if (!exists_no_follow(hook)) {
    return HookRemoval::absent;
  }
  const auto current = util::read_file(hook);
  if (!current || !util::has_line(*current, marker)) {
    return HookRemoval::foreign;
  }
  std::error_code ec;
  if (exists_no_follow(kept)) {
    fs::rename(kept, hook, ec);
    if (ec) {
      throw Error(fmt::format("cannot restore '{}': {}", kept.string(), ec.message()));
    }
    return HookRemoval::restored;
  }
  fs::remove(hook, ec);
  if (ec) {
    throw Error(fmt::format("cannot remove '{}': {}", hook.string(), ec.message()));
  }
  return HookRemoval::removed;
}

} // namespace wave::git
