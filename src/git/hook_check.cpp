#include "git/hook_check.hpp"

#include "git/cli.hpp"
#include "util/file.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <array>
#include <optional>
#include <unistd.h>

namespace wave::git {

namespace fs = std::filesystem;

namespace {

bool calls_check(std::string_view text) {
  return text.find("git wave hook pre-commit") != std::string_view::npos ||
         text.find("git-wave hook pre-commit") != std::string_view::npos;
}

// Ours, or a script that runs ours.
bool is_check(std::string_view text, std::string_view marker) {
  return util::has_line(text, marker) || calls_check(text);
}

bool executable(const fs::path& p) {
  return ::access(p.c_str(), X_OK) == 0;
}

// The `pre-commit:` section of a lefthook YAML file: from that key at the
// start of a line to the next key at the start of a line.
std::string_view yaml_section(std::string_view text, std::string_view key) {
  std::size_t pos = 0;
  std::size_t start = std::string_view::npos;
  while (pos < text.size()) {
    const auto nl = text.find('\n', pos);
    const auto end = nl == std::string_view::npos ? text.size() : nl;
    const auto line = text.substr(pos, end - pos);
    const bool top = !line.empty() && line[0] != ' ' && line[0] != '\t' && line[0] != '#';
    if (start != std::string_view::npos && top) {
      return text.substr(start, pos - start);
    }
    if (top && line.substr(0, key.size()) == key && line.substr(key.size()).starts_with(':')) {
      start = pos;
    }
    if (nl == std::string_view::npos) {
      break;
    }
    pos = nl + 1;
  }
  return start == std::string_view::npos ? std::string_view() : text.substr(start);
}

HookWiring pre_commit_framework(HookWiring w, const fs::path& worktree, std::string_view text,
                                std::string_view marker) {
  std::string config = ".pre-commit-config.yaml";
  if (const auto at = text.find("--config="); at != std::string_view::npos) {
    const auto from = at + 9;
    const auto end = text.find_first_of(" \t\n)\"'", from);
    config = std::string(text.substr(from, end == std::string_view::npos ? end : end - from));
  }
  const auto legacy = util::read_file(w.hook.string() + ".legacy");
  if (legacy && executable(w.hook.string() + ".legacy") && is_check(*legacy, marker)) {
    w.runs = true;
    w.detail = fmt::format("pre-commit runs the hook it replaced, git wave's ('{}.legacy')", w.hook.string());
    return w;
  }
  const auto cfg = util::read_file(worktree / config);
  if (!cfg) {
    w.detail = fmt::format("the hook is pre-commit's, and '{}' is missing from the worktree", config);
    return w;
  }
  if (calls_check(*cfg)) {
    w.runs = true;
    w.detail = fmt::format("pre-commit runs it ('{}')", config);
    return w;
  }
  w.detail =
      fmt::format("the hook is pre-commit's, and '{}' does not run 'git wave hook pre-commit'", config);
  return w;
}

HookWiring lefthook(HookWiring w, const fs::path& worktree, std::string_view marker) {
  static constexpr std::array<std::string_view, 6> stems{"lefthook",         ".lefthook",
                                                         ".config/lefthook", "lefthook-local",
                                                         ".lefthook-local",  ".config/lefthook-local"};
  static constexpr std::array<std::string_view, 5> exts{".yml", ".yaml", ".toml", ".json", ".jsonc"};
  std::vector<std::string> configs;
  for (const auto stem : stems) {
    for (const auto ext : exts) {
      const std::string name = std::string(stem) + std::string(ext);
      const auto text = util::read_file(worktree / name);
      if (!text) {
        continue;
      }
      configs.push_back(name);
      const bool yaml = ext == ".yml" || ext == ".yaml";
      if (calls_check(yaml ? yaml_section(*text, "pre-commit") : std::string_view(*text))) {
        w.runs = true;
        w.detail = fmt::format("lefthook runs it ('{}')", name);
        return w;
      }
    }
  }
  w.detail = configs.empty()
                 ? std::string("the hook is lefthook's, and the worktree has no lefthook configuration")
                 : fmt::format("the hook is lefthook's, and '{}' does not run 'git wave hook "
                               "pre-commit' on pre-commit",
                               configs.front());
  const auto old = util::read_file(w.hook.string() + ".old");
  if (old && is_check(*old, marker)) {
    w.detail += fmt::format("; lefthook moved git wave's hook to '{}.old', which it does not run",
                            w.hook.filename().string());
  }
  return w;
}

} // namespace

HookWiring pre_commit_wiring(const fs::path& worktree, std::string_view marker) {
  HookWiring w;
  const auto r = run_git(worktree, {"rev-parse", "--git-path", "hooks"});
  if (!r.ok() || r.output.empty()) {
    w.detail = r.output.empty() ? std::string("git cannot tell its hooks directory") : r.output;
    return w;
  }
  fs::path dir(r.output);
  if (dir.is_relative()) {
    dir = worktree / dir;
  }
  dir = dir.lexically_normal();
  w.hook = dir / "pre-commit";

  const bool husky_dir = dir.filename() == "_" && dir.parent_path().filename() == ".husky";
  std::error_code ec;
  if (!fs::exists(w.hook, ec)) {
    w.detail = fmt::format("there is no pre-commit hook: '{}' does not exist", w.hook.string());
    if (husky_dir) {
      w.detail += " (husky creates it when it runs in the worktree: setup = [\"npx husky\"])";
    }
    return w;
  }
  if (!executable(w.hook)) {
    w.detail = fmt::format("the pre-commit hook '{}' is not executable: git ignores it", w.hook.string());
    return w;
  }
  const auto text = util::read_file(w.hook);
  if (!text) {
    w.detail = fmt::format("cannot read the pre-commit hook '{}'", w.hook.string());
    return w;
  }
  if (util::has_line(*text, marker)) {
    w.runs = true;
    w.detail = fmt::format("git wave's hook '{}'", w.hook.string());
    return w;
  }
  if (calls_check(*text)) {
    w.runs = true;
    w.detail = fmt::format("the pre-commit hook '{}' runs it", w.hook.string());
    return w;
  }
  if (text->find("File generated by pre-commit") != std::string::npos ||
      text->find("hook-impl") != std::string::npos) {
    return pre_commit_framework(std::move(w), worktree, *text, marker);
  }
  if (text->find("lefthook") != std::string::npos) {
    return lefthook(std::move(w), worktree, marker);
  }
  if (husky_dir || text->find("husky") != std::string::npos) {
    // husky 9: .husky/_/pre-commit sources .husky/_/h, which runs .husky/pre-commit.
    const fs::path script = dir.parent_path() / "pre-commit";
    const auto user = util::read_file(script);
    if (user && calls_check(*user)) {
      w.runs = true;
      w.detail = fmt::format("husky runs it ('{}')", script.lexically_relative(worktree).string());
      return w;
    }
    w.detail = fmt::format("the hook is husky's, and '{}' {}", script.lexically_relative(worktree).string(),
                           user ? "does not run 'git wave hook pre-commit'" : "does not exist");
    return w;
  }
  w.detail = fmt::format("the pre-commit hook '{}' does not run 'git wave hook pre-commit'", w.hook.string());
  return w;
}

} // namespace wave::git
