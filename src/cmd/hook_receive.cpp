#include "cmd/hook_receive.hpp"

#include "cli/term.hpp"
#include "core/error.hpp"
#include "gate/receive.hpp"
#include "git/repo.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <iostream>
#include <iterator>

namespace wave::cmd {

namespace {

// A refusal shows at most this many detail lines, then how many more.
constexpr std::size_t max_details = 10;

} // namespace

int pre_receive() {
  const std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  const auto updates = gate::parse_updates(input);
  const git::Repo repo = git::open_from_env();
  gate::ReceiveOptions options;
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo.get()) == 0) {
    int value = 0;
    if (git_config_get_bool(&value, raw, "wave.receive.gatedOnly") == 0) {
      options.gated_only = value != 0;
    }
    git_config_free(raw);
  }
  git_error_clear();
  const auto refusals = gate::check_push(repo.get(), updates, options);
  if (refusals.empty()) {
    return exit_code::ok;
  }
  // git shows the pushing user each line as "remote: ...": whatever a name
  // holds, one line each, its control characters escaped.
  const cli::Painter paint = cli::painter_for_stderr();
  for (const auto& r : refusals) {
    fmt::print(stderr, "{} {}: {}\n", paint(cli::Color::red, "error:"), util::escape_control(r.ref),
               util::escape_control(r.reason));
    for (std::size_t i = 0; i < r.details.size() && i < max_details; ++i) {
      fmt::print(stderr, "  {}\n", util::escape_control(r.details[i]));
    }
    if (r.details.size() > max_details) {
      fmt::print(stderr, "  and {} more\n", r.details.size() - max_details);
    }
    if (!r.hint.empty()) {
      fmt::print(stderr, "{} {}\n", paint(cli::Color::yellow, "hint:"), util::escape_control(r.hint));
    }
  }
  fmt::print(stderr, "git wave: the push was refused; nothing was changed on this server\n");
  return exit_code::not_satisfied;
}

} // namespace wave::cmd
