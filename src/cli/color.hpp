#pragma once

#include "cli/term.hpp"

#include <git2.h>

#include <optional>

// The --color option and git's colour configuration, the same in every command.
namespace wave::cli {

// The painter for stdout: `flag` first, then color.wave and color.ui of
// `repo` (null outside a repository), then whether stdout is a terminal
// (or `fd`, where the output goes instead: stderr under --json).
Painter stdout_painter(std::optional<ColorWhen> flag, git_repository* repo, int fd = 1);

} // namespace wave::cli
