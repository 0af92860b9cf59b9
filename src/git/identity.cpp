#include "git/identity.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/cli.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <charconv>

namespace wave::git {

namespace {

// "Name <email> 1112911993 +0130" as git var prints it.
std::optional<Signature> parse_ident(std::string_view line) {
  const auto open = line.find(" <");
  const auto close = line.rfind("> ");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  const std::string name(line.substr(0, open));
  const std::string email(line.substr(open + 2, close - open - 2));
  const auto rest = util::split(line.substr(close + 2), ' ');
  if (rest.size() != 2 || rest[1].size() != 5 || (rest[1][0] != '+' && rest[1][0] != '-')) {
    return std::nullopt;
  }
  long long when = 0;
  const auto* end = rest[0].data() + rest[0].size();
  if (std::from_chars(rest[0].data(), end, when).ptr != end) {
    return std::nullopt;
  }
  int hours = 0;
  int minutes = 0;
  std::from_chars(rest[1].data() + 1, rest[1].data() + 3, hours);
  std::from_chars(rest[1].data() + 3, rest[1].data() + 5, minutes);
  const int offset = (rest[1][0] == '-' ? -1 : 1) * (hours * 60 + minutes);
  git_signature* raw = nullptr;
  if (git_signature_new(&raw, name.c_str(), email.c_str(), when, offset) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  return Signature(raw);
}

} // namespace

std::optional<Signature> identity(const std::filesystem::path& dir, Role role, std::string* why) {
  const auto r =
      run_git(dir, {"var", role == Role::author ? "GIT_AUTHOR_IDENT" : "GIT_COMMITTER_IDENT"});
  if (r.ok()) {
    if (auto sig = parse_ident(util::trim(r.output))) {
      return sig;
    }
  }
  if (why != nullptr) {
    const auto last = r.output.rfind('\n');
    *why = std::string(util::trim(last == std::string::npos ? r.output : r.output.substr(last + 1)));
  }
  return std::nullopt;
}

Signature require_identity(const std::filesystem::path& dir, Role role) {
  std::string why;
  auto sig = identity(dir, role, &why);
  if (!sig) {
    throw Error(fmt::format("cannot commit: no {} identity{}", role == Role::author ? "author" : "committer",
                            why.empty() ? "" : fmt::format(" (git said: {})", why)),
                exit_code::fatal,
                {"set one with 'git config user.name \"Your Name\"' and 'git config user.email you@example.com'",
                 "or in the environment: GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME, "
                 "GIT_COMMITTER_EMAIL"});
  }
  return std::move(*sig);
}

std::string committer(const std::filesystem::path& dir) {
  const auto sig = identity(dir, Role::committer);
  return sig ? fmt::format("{} <{}>", (*sig)->name, (*sig)->email) : std::string();
}

Signature bookkeeping_identity(const std::filesystem::path& dir) {
  if (auto sig = identity(dir, Role::committer)) {
    return std::move(*sig);
  }
  git_signature* raw = nullptr;
  check(git_signature_now(&raw, "git wave", "git-wave@localhost"), "cannot make a signature");
  return Signature(raw);
}

} // namespace wave::git
