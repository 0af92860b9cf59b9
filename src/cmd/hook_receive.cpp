#include "cmd/hook_receive.hpp"

#include "cli/term.hpp"
#include "core/error.hpp"
#include "gate/receive.hpp"
#include "git/handle.hpp"
#include "git/repo.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <iterator>

namespace wave::cmd {

namespace {

std::vector<std::string> values(git_config* config, const char* name) {
  std::vector<std::string> out;
  const int rc = git_config_get_multivar_foreach(
      config, name, nullptr,
      [](const git_config_entry* entry, void* payload) {
        static_cast<std::vector<std::string>*>(payload)->emplace_back(entry->value);
        return 0;
      },
      &out);
  if (rc != 0 && rc != GIT_ENOTFOUND) {
    throw Error(fmt::format("cannot read '{}' of this repository's config", name));
  }
  git_error_clear();
  return out;
}

// What the server's own configuration says (its repository's config file
// only: over file:// the hook runs with the pusher's HOME, whose global
// config no push may decide anything with), and who pushes.
gate::ReceiveOptions receive_options(git_repository* repo) {
  gate::ReceiveOptions options;
  git_config* raw = nullptr;
  if (git_repository_config(&raw, repo) != 0) {
    throw Error("cannot read this repository's config");
  }
  const git::Config all(raw);
  git_config* raw_local = nullptr;
  if (git_config_open_level(&raw_local, all.get(), GIT_CONFIG_LEVEL_LOCAL) != 0) {
    git_error_clear();
    options.identity_sources = gate::default_identity_sources();
    return options; // no config file of its own: nothing configured
  }
  const git::Config local(raw_local);
  int value = 0;
  if (git_config_get_bool(&value, local.get(), "wave.receive.gatedOnly") == 0) {
    options.gated_only = value != 0;
  }
  git_error_clear();
  options.roles.leads = values(local.get(), "wave.receive.lead");
  for (const auto& text : values(local.get(), "wave.receive.agent")) {
    const auto grant = gate::parse_agent_grant(text);
    if (!grant) {
      throw Error(fmt::format("wave.receive.agent '{}' is not 'IDENTITY AGENT' or 'IDENTITY RUN/AGENT'",
                              util::shown(text)),
                  exit_code::fatal, {"fix it in the server repository's config; every push is refused until then"});
    }
    options.roles.agents.push_back(*grant);
  }
  options.identity_sources = values(local.get(), "wave.receive.identityFrom");
  if (options.identity_sources.empty()) {
    options.identity_sources = gate::default_identity_sources();
  }
  options.pusher = gate::find_pusher(options.identity_sources, [](const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return v == nullptr ? std::nullopt : std::optional<std::string>(v);
  });
  return options;
}

} // namespace

int pre_receive() {
  const std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  const auto updates = gate::parse_updates(input);
  const git::Repo repo = git::open_from_env();
  const gate::ReceiveOptions options = receive_options(repo.get());
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
    for (std::size_t i = 0; i < r.details.size() && i < util::max_listed; ++i) {
      fmt::print(stderr, "  {}\n", util::escape_control(r.details[i]));
    }
    if (r.details.size() > util::max_listed) {
      fmt::print(stderr, "  {}\n", util::and_more(r.details.size() - util::max_listed));
    }
    if (!r.hint.empty()) {
      fmt::print(stderr, "{} {}\n", paint(cli::Color::yellow, "hint:"), util::escape_control(r.hint));
    }
  }
  fmt::print(stderr, "git wave: the push was refused; nothing was changed on this server\n");
  return exit_code::not_satisfied;
}

} // namespace wave::cmd
