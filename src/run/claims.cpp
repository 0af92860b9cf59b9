#include "run/claims.hpp"

#include "git/check.hpp"
#include "git/repo.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::run {

std::string claim_ref(std::string_view run, std::string_view agent) {
  return fmt::format("refs/wave/{}/claims/{}", run, agent);
}

std::string claim_message(std::string_view run, std::string_view agent, std::string_view by, std::string_view at) {
  return fmt::format("claim {} of run {}\n\nby: {}\nat: {}\n", agent, run, by, at);
}

Claim parse_claim_message(std::string_view agent, std::string_view commit, std::string_view message) {
  Claim c{std::string(agent), std::string(commit), {}, {}};
  for (const auto& line : util::split(std::string(message), '\n')) {
    if (line.rfind("by: ", 0) == 0) {
      c.by = line.substr(4);
    } else if (line.rfind("at: ", 0) == 0) {
      c.at = line.substr(4);
    }
  }
  return c;
}

std::filesystem::path own_claim_file(git_repository* repo, std::string_view run, std::string_view agent) {
  return git::common_dir(repo) / "wave" / std::string(run) / "claimed" / std::string(agent);
}

std::map<std::string, Claim> read_claims(git_repository* repo, std::string_view run) {
  std::map<std::string, Claim> out;
  const std::string prefix = fmt::format("refs/wave/{}/claims/", run);
  git_reference_iterator* raw = nullptr;
  if (git_reference_iterator_glob_new(&raw, repo, (prefix + "*").c_str()) != 0) {
    return out;
  }
  git_reference* ref = nullptr;
  while (git_reference_next(&ref, raw) == 0) {
    const std::string name = git_reference_name(ref);
    const git_oid* id = git_reference_target(ref);
    if (id != nullptr && name.size() > prefix.size()) {
      const std::string agent = name.substr(prefix.size());
      git_commit* commit = nullptr;
      std::string message;
      if (git_commit_lookup(&commit, repo, id) == 0) {
        message = git_commit_message(commit) != nullptr ? git_commit_message(commit) : "";
        git_commit_free(commit);
      }
      out.emplace(agent, parse_claim_message(agent, git::oid_str(*id), message));
    }
    git_reference_free(ref);
  }
  git_reference_iterator_free(raw);
  return out;
}

} // namespace wave::run
