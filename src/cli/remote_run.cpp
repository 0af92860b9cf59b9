#include "cli/remote_run.hpp"

#include "core/error.hpp"
#include "git/remote.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::cli {

std::string remote_run(const std::filesystem::path& root, const std::string& remote,
                       const std::string& option) {
  git::require_remote(root, remote);
  if (!option.empty()) {
    return option;
  }
  const auto listed = git::run_git(root, {"ls-remote", remote, "refs/wave/*/state"});
  if (!listed.ok()) {
    throw Error(fmt::format("cannot reach '{}': {}", remote, util::trim(listed.output)));
  }
  std::vector<std::string> runs;
  for (const auto& line : util::split(listed.output, '\n')) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) {
      continue;
    }
    const std::string ref = line.substr(tab + 1);
    constexpr std::string_view prefix = "refs/wave/";
    const auto end = ref.rfind("/state");
    if (ref.rfind(prefix, 0) == 0 && end != std::string::npos && end > prefix.size()) {
      runs.push_back(ref.substr(prefix.size(), end - prefix.size()));
    }
  }
  if (runs.size() == 1) {
    return runs.front();
  }
  if (runs.empty()) {
    throw Error(fmt::format("'{}' has no run", remote), exit_code::fatal,
                {"the lead pushes a run with: git push --atomic <remote> 'refs/wave/*:refs/wave/*' "
                 "'refs/heads/wave/*:refs/heads/wave/*'"});
  }
  throw Error(fmt::format("'{}' has {} runs", remote, runs.size()), exit_code::fatal,
              {fmt::format("name one with --run: {}", util::join(runs, ", "))});
}

void fetch_run(const std::filesystem::path& root, const std::string& remote, const std::string& run,
               const std::vector<std::string>& also) {
  const std::string state = run::state_ref(run);
  const std::string claims = fmt::format("refs/wave/{}/claims/*", run);
  std::vector<std::string> refspecs{fmt::format("{}:{}", state, state),
                                    fmt::format("+{}:{}", claims, claims)};
  refspecs.insert(refspecs.end(), also.begin(), also.end());
  git::fetch(root, remote, refspecs, true);
}

} // namespace wave::cli
