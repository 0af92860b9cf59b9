#include "run/claims.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace wave::run {

namespace fs = std::filesystem;

std::string claim_ref(std::string_view run, std::string_view agent) {
  return fmt::format("refs/wave/{}/claims/{}", run, agent);
}

std::string claim_message(std::string_view run, std::string_view agent, std::string_view by,
                          std::string_view at, std::string_view token) {
  return fmt::format("claim {} of run {}\n\nby: {}\nat: {}\ntoken: {}\n", agent, run, by, at, token);
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

std::string claim_token() {
  std::random_device device;
  std::string out;
  for (int i = 0; i < 4; ++i) {
    out += fmt::format("{:08x}", static_cast<std::uint32_t>(device()));
  }
  return out;
}

void record_own_claim(git_repository* repo, std::string_view run, std::string_view agent,
                      std::string_view commit) {
  const fs::path own = own_claim_file(repo, run, agent);
  std::error_code ec;
  fs::create_directories(own.parent_path(), ec);
  if (ec) {
    throw Error(fmt::format("cannot create '{}': {}", own.parent_path().string(), ec.message()));
  }
  fs::remove(own, ec);
  if (ec) {
    throw Error(fmt::format("cannot remove '{}': {}", own.string(), ec.message()));
  }
  if (!util::write_new_file(own, fmt::format("{}\n", commit))) {
    throw Error(
        fmt::format("cannot record the claim in '{}': something else wrote it meanwhile", own.string()));
  }
}

std::optional<std::string> own_claim(git_repository* repo, std::string_view run, std::string_view agent) {
  const auto text = util::read_file(own_claim_file(repo, run, agent));
  if (!text) {
    return std::nullopt;
  }
  return std::string(util::trim(*text));
}

void reconcile_own_claims(git_repository* repo, std::string_view run) {
  const fs::path dir = git::common_dir(repo) / "wave" / std::string(run) / "claimed";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return;
  }
  const auto held = read_claims(repo, run);
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".")) {
      stale.push_back(entry.path()); // the temporary file of a killed record_own_claim
      continue;
    }
    const auto claim = held.find(name);
    const auto recorded = util::read_file(entry.path());
    if (claim == held.end() || !recorded || util::trim(*recorded) != claim->second.commit) {
      stale.push_back(entry.path());
    }
  }
  for (const auto& path : stale) {
    fs::remove(path, ec);
  }
}

ClaimRecordsLock::ClaimRecordsLock(git_repository* repo, std::string_view run) {
  const fs::path path = git::common_dir(repo) / "wave" / std::string(run) / "claimed.lock";
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  // Not O_CLOEXEC: the git processes started under it hold it too.
  m_fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
  if (m_fd < 0) {
    throw Error(fmt::format("cannot open '{}': {}", path.string(), std::strerror(errno)));
  }
  while (::flock(m_fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      const int err = errno;
      ::close(m_fd);
      throw Error(fmt::format("cannot lock '{}': {}", path.string(), std::strerror(err)));
    }
  }
}

ClaimRecordsLock::~ClaimRecordsLock() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
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
