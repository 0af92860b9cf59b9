#include "cli/color.hpp"

#include "git/repo.hpp"

namespace wave::cli {

Painter stdout_painter(std::optional<ColorWhen> flag, git_repository* repo, int fd) {
  if (repo == nullptr) {
    return painter_for_stdout(flag, std::nullopt, std::nullopt, fd);
  }
  return painter_for_stdout(flag, git::config_string(repo, "color.wave"),
                            git::config_string(repo, "color.ui"), fd);
}

} // namespace wave::cli
