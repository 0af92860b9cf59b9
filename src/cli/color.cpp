#include "cli/color.hpp"

#include "git/repo.hpp"

#include <fmt/format.h>

namespace wave::cli {

CLI::Option* add_color_option(CLI::App& app, std::optional<ColorWhen>& when) {
  return app
      .add_option_function<std::string>(
          "--color",
          [&when](const std::string& value) {
            when = parse_color_when(value);
            if (!when) {
              throw CLI::ValidationError("--color",
                                         fmt::format("invalid value '{}': use always, never or auto", value));
            }
          },
          "colour the output: always, never or auto (default)")
      ->option_text("<when>");
}

Painter stdout_painter(std::optional<ColorWhen> flag, git_repository* repo) {
  if (repo == nullptr) {
    return painter_for_stdout(flag, std::nullopt, std::nullopt);
  }
  return painter_for_stdout(flag, git::config_string(repo, "color.wave"), git::config_string(repo, "color.ui"));
}

} // namespace wave::cli
