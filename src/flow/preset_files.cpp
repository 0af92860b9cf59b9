#include "flow/preset_files.hpp"

#include "git/repo.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <sstream>

namespace wave::flow {

namespace fs = std::filesystem;

void install_preset_files(git_repository* repo, const fs::path& worktree, const plan::AgentLaunch& launch) {
  if (!launch.exclude.empty()) {
    const fs::path exclude = git::common_dir(repo) / "info" / "exclude";
    std::string text = util::read_file(exclude).value_or("");
    std::string added;
    for (const auto& pattern : launch.exclude) {
      bool present = false;
      std::istringstream lines(text);
      for (std::string line; std::getline(lines, line);) {
        present = present || line == pattern;
      }
      if (!present) {
        added += pattern + "\n";
      }
    }
    if (!added.empty()) {
      if (!text.empty() && text.back() != '\n') {
        text += '\n';
      }
      text += "# git wave: the settings files of the agent presets\n" + added;
      std::error_code ec;
      fs::create_directories(exclude.parent_path(), ec);
      util::replace_file(exclude, text);
    }
  }
  for (const auto& file : launch.files) {
    const fs::path path = worktree / file.path;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    util::replace_file(path, file.content);
  }
}

void install_agent_preset(git_repository* repo, const plan::Plan& plan, const std::string& agent,
                          const fs::path& worktree, const fs::path& self) {
  fs::path program = self;
  if (program.empty()) {
    std::error_code ec;
    program = fs::read_symlink("/proc/self/exe", ec);
    if (ec) {
      program = "git-wave";
    }
  }
  const plan::AgentLaunch launch = plan::agent_launch(plan, agent, program);
  if (!launch.preset.empty()) {
    install_preset_files(repo, worktree, launch);
  }
}

} // namespace wave::flow
