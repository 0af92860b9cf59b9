#pragma once

#include "cli/term.hpp"

#include <CLI/CLI.hpp>
#include <git2.h>

#include <optional>

// The --color option and git's colour configuration, the same in every command.
namespace wave::cli {

// Adds --color=<when> (always, never, auto); a bad value is a usage error.
CLI::Option* add_color_option(CLI::App& app, std::optional<ColorWhen>& when);

// The painter for stdout: `flag` first, then color.wave and color.ui of
// `repo` (null outside a repository), then whether stdout is a terminal.
Painter stdout_painter(std::optional<ColorWhen> flag, git_repository* repo);

} // namespace wave::cli
