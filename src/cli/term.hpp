#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace wave::cli {

enum class ColorWhen { auto_, always, never };

// Parses a --color value: always, never or auto, as git's --color takes.
std::optional<ColorWhen> parse_color_when(std::string_view value);

// Parses a color.wave / color.ui value as git does: always, never, auto, or a
// boolean, where true (yes, on, 1) means auto and false (no, off, 0) never.
// Nothing for a value git would not take either.
std::optional<ColorWhen> parse_color_config(std::string_view value);

struct ColorInputs {
  std::optional<ColorWhen> flag;         // --color / --no-color
  std::optional<std::string> color_wave; // git config color.wave
  std::optional<std::string> color_ui;   // git config color.ui
  bool no_color_env = false;             // NO_COLOR set and non-empty
  bool term_dumb = false;                // TERM=dumb or unset
  bool is_tty = false;
};

// Whether this runs on a CI runner: the CI variable set, as GitHub Actions,
// GitLab CI and most others set it (CI=true), and not "false" or "0". A
// runner's log is no terminal even when it allocates one: no colour unless
// asked for, no line redrawn in place.
bool ci_runner();

// git's precedence: flag, then color.wave, then color.ui, then auto. "auto"
// means: a terminal, TERM not dumb, NO_COLOR unset.
bool decide_color(const ColorInputs& in);

enum class Color { none, bold, red, green, yellow, blue, magenta, cyan, dim };

// What a command writes to the terminal: holds whether colour is on.
class Painter {
public:
  explicit Painter(bool enabled = false) : m_enabled(enabled) {}
  bool enabled() const noexcept { return m_enabled; }
  std::string operator()(Color c, std::string_view text) const;

private:
  bool m_enabled;
};

// Decides colour for stdout (fd 1; or `fd`, where a command's output goes
// instead) from the environment and, when given, the repository's
// configuration.
Painter painter_for_stdout(std::optional<ColorWhen> flag, const std::optional<std::string>& color_wave,
                           const std::optional<std::string>& color_ui, int fd = 1);
Painter painter_for_stderr();

// The width of the terminal `out` writes to; 80 when it cannot tell.
std::size_t terminal_width(std::FILE* out);

// `text` cut to at most `width` bytes, "..." marking the cut, never inside
// a UTF-8 sequence. Give it unpainted text; a line redrawn in place fits
// in one column less than the terminal's width, so it never wraps.
std::string fit(std::string_view text, std::size_t width);

} // namespace wave::cli
