#pragma once

#include "gate/audit.hpp"
#include "plan/model.hpp"
#include "run/store.hpp"

#include <git2.h>

#include <optional>
#include <string>
#include <vector>

// One agent branch audited against the run as recorded: what the server's
// pre-receive check does to a pushed `wave/<run>/<agent>`, and what `git
// wave audit` does in CI or any clone. Every commit of the branch since the
// agent's base, by the plan the run recorded.
namespace wave::gate {

struct BranchAudit {
  std::string run;
  std::string agent;
  git_oid base{};                // the agent's base in its wave (hidden from the walk)
  std::vector<std::string> owns; // the agent's patterns
  std::size_t paths = 0;         // paths the branch touches
  std::vector<Finding> findings; // those it may not

  // "agent 'a' of run 'r' may not change this path" / "these 2 paths".
  std::string reason() const;
  // "'a' owns src/a/**, docs/a.md" or "'a' owns nothing: it is read-only".
  std::string owns_text() const;
};

// The audit of `agent`'s branch at `tip` by `stored` (a run's state) and
// `plan` (the plan it recorded), landing next to `onto` (the integration
// tip, when known: see landing_bases()); nullopt when `agent` is in no wave
// of the run that was started and not aborted.
std::optional<BranchAudit> audit_branch(git_repository* repo, const run::Stored& stored,
                                        const plan::Plan& plan, const std::string& agent, const git_oid& tip,
                                        const std::vector<git_oid>& onto = {});

} // namespace wave::gate
