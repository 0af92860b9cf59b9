#include "cli/term.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <sys/ioctl.h>
#include <unistd.h>

namespace wave::cli {

std::optional<ColorWhen> parse_color_when(std::string_view value) {
  if (value == "always") {
    return ColorWhen::always;
  }
  if (value == "never") {
    return ColorWhen::never;
  }
  if (value == "auto") {
    return ColorWhen::auto_;
  }
  return std::nullopt;
}

std::optional<ColorWhen> parse_color_config(std::string_view value) {
  std::string lower(value);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (const auto when = parse_color_when(lower)) {
    return when;
  }
  if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") {
    return ColorWhen::auto_;
  }
  if (lower == "false" || lower == "no" || lower == "off" || lower == "0" || lower.empty()) {
    return ColorWhen::never;
  }
  return std::nullopt;
}

bool decide_color(const ColorInputs& in) {
  std::optional<ColorWhen> when = in.flag;
  if (!when && in.color_wave) {
    when = parse_color_config(*in.color_wave);
  }
  if (!when && in.color_ui) {
    when = parse_color_config(*in.color_ui);
  }
  switch (when.value_or(ColorWhen::auto_)) {
  case ColorWhen::always:
    return true;
  case ColorWhen::never:
    return false;
  case ColorWhen::auto_:
    break;
  }
  return in.is_tty && !in.term_dumb && !in.no_color_env;
}

std::string Painter::operator()(Color c, std::string_view text) const {
  if (!m_enabled || c == Color::none) {
    return std::string(text);
  }
  const char* code = "";
  switch (c) {
  case Color::none:
    break;
  case Color::bold:
    code = "1";
    break;
  case Color::red:
    code = "31";
    break;
  case Color::green:
    code = "32";
    break;
  case Color::yellow:
    code = "33";
    break;
  case Color::blue:
    code = "34";
    break;
  case Color::magenta:
    code = "35";
    break;
  case Color::cyan:
    code = "36";
    break;
  case Color::dim:
    code = "2";
    break;
  }
  return fmt::format("\033[{}m{}\033[m", code, text);
}

bool ci_runner() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && *ci != '\0' && std::strcmp(ci, "false") != 0 && std::strcmp(ci, "0") != 0;
}

namespace {
ColorInputs env_inputs(int fd) {
  ColorInputs in;
  const char* no_color = std::getenv("NO_COLOR");
  in.no_color_env = no_color != nullptr && *no_color != '\0';
  const char* term = std::getenv("TERM");
  in.term_dumb = term == nullptr || std::strcmp(term, "dumb") == 0;
  in.is_tty = isatty(fd) != 0 && !ci_runner();
  return in;
}
} // namespace

Painter painter_for_stdout(std::optional<ColorWhen> flag, const std::optional<std::string>& color_wave,
                           const std::optional<std::string>& color_ui, int fd) {
  ColorInputs in = env_inputs(fd);
  in.flag = flag;
  in.color_wave = color_wave;
  in.color_ui = color_ui;
  return Painter(decide_color(in));
}

Painter painter_for_stderr() {
  return Painter(decide_color(env_inputs(2)));
}

std::size_t terminal_width(std::FILE* out) {
  winsize ws{};
  if (::ioctl(::fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10) {
    return ws.ws_col;
  }
  return 80;
}

std::string fit(std::string_view text, std::size_t width) {
  if (text.size() <= width) {
    return std::string(text);
  }
  std::size_t end = width > 3 ? width - 3 : 0;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end; // not inside a UTF-8 sequence
  }
  return std::string(text.substr(0, end)) + "...";
}

} // namespace wave::cli
