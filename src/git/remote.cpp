#include "git/remote.hpp"

#include "core/error.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::git {

void require_remote(const std::filesystem::path& cwd, const std::string& remote) {
  const auto remotes = run_git(cwd, {"remote"});
  for (const auto& name : util::split(remotes.output, '\n')) {
    if (name == remote) {
      return;
    }
  }
  const std::string listed(util::trim(remotes.output));
  throw Error(fmt::format("there is no remote '{}'", util::shown(remote)), exit_code::fatal,
              {listed.empty()
                   ? std::string("add one: git remote add origin <url>")
                   : fmt::format("name one with --remote: {}", util::join(util::split(listed, '\n'), ", "))});
}

void fetch(const std::filesystem::path& cwd, const std::string& remote,
           const std::vector<std::string>& refspecs, bool prune) {
  // Not --quiet: it would silence the one line that says why a ref was
  // refused ("! [rejected] ... (non-fast-forward)"). The output is shown
  // only when the fetch fails.
  std::vector<std::string> args = {"fetch", "--no-tags", "--no-write-fetch-head"};
  if (prune) {
    args.emplace_back("--prune");
  }
  args.push_back(remote);
  args.insert(args.end(), refspecs.begin(), refspecs.end());
  const auto r = run_git(cwd, args);
  if (r.ok()) {
    return;
  }
  // A branch named exactly that the remote does not have: say so plainly.
  constexpr std::string_view missing = "couldn't find remote ref refs/heads/";
  if (const auto at = r.output.find(missing); at != std::string::npos) {
    const auto start = at + missing.size();
    const std::string branch(util::trim(r.output.substr(start, r.output.find('\n', start) - start)));
    throw Error(fmt::format("'{}' has no branch '{}'", remote, branch), exit_code::fatal,
                {fmt::format("push it first: git push -u {} {}", remote, branch)});
  }
  throw Error(fmt::format("cannot fetch from '{}': {}", remote, util::trim(r.output)), exit_code::fatal,
              {"check that the remote is reachable: git fetch " + remote});
}

std::string PushResult::why() const {
  const auto lines = util::split(output, '\n');
  for (const auto& line : lines) {
    if (line.rfind("remote: error:", 0) == 0) {
      return std::string(util::trim(line.substr(14)));
    }
  }
  for (const auto& line : lines) {
    // --porcelain: "!<TAB><from>:<to><TAB><summary> (<reason>)"
    const auto fields = util::split(line, '\t');
    if (fields.size() >= 3 && fields[0] == "!" && fields[2].find("atomic") == std::string::npos) {
      const auto colon = fields[1].find(':');
      return fmt::format("{}: {}", colon == std::string::npos ? fields[1] : fields[1].substr(colon + 1),
                         fields[2]);
    }
  }
  for (const auto& line : lines) {
    if (line.rfind("error:", 0) == 0 && line.find("failed to push some refs") == std::string::npos) {
      return std::string(util::trim(line.substr(6)));
    }
  }
  for (const auto& line : lines) {
    if (!util::trim(line).empty()) {
      return std::string(util::trim(line));
    }
  }
  return {};
}

PushResult push(const std::filesystem::path& cwd, const std::string& remote,
                const std::vector<std::string>& refspecs, const std::vector<std::string>& leases) {
  // --no-verify: these pushes carry git wave's records and gated commits;
  // a client's pre-push hook (a test suite, say) would run on every one.
  // The server's hooks still run.
  std::vector<std::string> args = {"push", "--atomic", "--porcelain", "--quiet", "--no-verify"};
  for (const auto& lease : leases) {
    args.push_back("--force-with-lease=" + lease);
  }
  args.push_back(remote);
  args.insert(args.end(), refspecs.begin(), refspecs.end());
  const auto r = run_git(cwd, args);
  return {r.ok(), r.output};
}

} // namespace wave::git
