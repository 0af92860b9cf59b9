#include "remote/remote_run.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/cli.hpp"
#include "git/remote.hpp"
#include "git/repo.hpp"
#include "remote/verify_state.hpp"
#include "run/branch.hpp"
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
  const std::string tracking = fmt::format("refs/wave-remote/{}/{}/state", remote, run);
  const std::string claims = fmt::format("refs/wave/{}/claims/*", run);
  std::vector<std::string> refspecs{fmt::format("+{}:{}", state, tracking),
                                    fmt::format("+{}:{}", claims, claims)};
  refspecs.insert(refspecs.end(), also.begin(), also.end());
  git::fetch(root, remote, refspecs, true);

  // The state is taken only verified (remote/verify_state), and only forward.
  const git::Repo repo = git::open(root);
  const auto fetched = git::resolve_commit(repo.get(), tracking);
  if (!fetched) {
    return;
  }
  const auto here = git::resolve_commit(repo.get(), state);
  if (here && git_oid_equal(&*here, &*fetched) != 0) {
    flow::require_verified(repo.get(), remote, run, *fetched);
    return;
  }
  // The integration branch the state binds its plan to, as the remote has it.
  std::string integration;
  if (const auto mine = run::load(repo.get(), run)) {
    integration = mine->state.integration;
  } else {
    try {
      integration = run::load_at(repo.get(), run, *fetched).state.integration;
    } catch (const Error&) {
      // unreadable: require_verified says so
    }
  }
  if (!integration.empty() && !run::parse_agent_branch(integration)) {
    git::fetch(root, remote, {fmt::format("+refs/heads/{0}:refs/remotes/{1}/{0}", integration, remote)});
  }
  flow::require_verified(repo.get(), remote, run, *fetched);
  if (here && git_graph_descendant_of(repo.get(), &*fetched, &*here) != 1) {
    git_error_clear();
    throw Error(fmt::format("this clone's record of run '{}' is not behind '{}''s: it was left as it is", run,
                            remote),
                exit_code::fatal,
                {fmt::format("see both: git log --oneline --graph {} {}", state, tracking),
                 "a lead's next command of the run publishes this clone's record"});
  }
  // By git's own update-ref, as the fetch did before the state was
  // verified: a git wave killed meanwhile leaves no lock on the ref (the
  // child finishes), and the next command of a worker, who holds no run
  // lock to clear one with, is not stopped by it.
  const auto moved = git::run_git(root, {"update-ref", "-m",
                                         fmt::format("git wave: run state fetched from '{}'", remote), state,
                                         git::oid_str(*fetched), here ? git::oid_str(*here) : std::string(40, '0')});
  if (!moved.ok()) {
    throw Error(fmt::format("cannot update '{}': {}", state, util::trim(moved.output)));
  }
}

} // namespace wave::cli
