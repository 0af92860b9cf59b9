#include "gate/branch_audit.hpp"

#include "git/check.hpp"
#include "plan/ownership.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::gate {

std::string BranchAudit::reason() const {
  return fmt::format("agent '{}' of run '{}' may not change {}", agent, run,
                     findings.size() == 1 ? "this path" : fmt::format("these {} paths", findings.size()));
}

std::string BranchAudit::owns_text() const {
  return fmt::format("'{}' owns {}", agent,
                     owns.empty() ? std::string("nothing: it is read-only") : util::join(owns, ", "));
}

std::optional<BranchAudit> audit_branch(git_repository* repo, const run::Stored& stored,
                                        const plan::Plan& plan, const std::string& agent,
                                        const git_oid& tip, const std::vector<git_oid>& onto) {
  const auto index = plan.find(agent);
  const run::AgentRun* record = nullptr;
  for (const auto& w : stored.state.waves) {
    if (const auto* a = w.find(agent); a != nullptr && w.status != run::WaveStatus::aborted) {
      record = a;
    }
  }
  if (!index || record == nullptr) {
    return std::nullopt;
  }
  BranchAudit out;
  out.run = stored.state.run;
  out.agent = agent;
  out.base = git::oid_from(record->base);
  for (const auto& p : plan.agents[*index].owns) {
    out.owns.push_back(p.value);
  }
  const auto touched = branch_paths(repo, tip, out.base, onto);
  out.paths = touched.size();
  const plan::Ownership ownership(plan);
  out.findings = audit(plan, ownership, *index, touched);
  return out;
}

} // namespace wave::gate
