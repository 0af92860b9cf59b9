#include "gate/record.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "run/store.hpp"

#include <fmt/format.h>

namespace wave::gate {

std::string candidate_ref(const std::string& run, const std::string& label) {
  return fmt::format("refs/wave/{}/candidate/{}", run, label);
}

run::GateRecord to_record(const GateReport& report) {
  run::GateRecord g;
  g.result = report.pass ? "pass" : "fail";
  g.base = git::oid_str(report.base);
  for (const auto& [agent, tip] : report.tips) {
    g.tips.emplace_back(agent, git::oid_str(tip));
  }
  g.candidate = report.candidate ? git::oid_str(*report.candidate) : "";
  g.started_at = report.started_at;
  g.finished_at = report.finished_at;
  for (const auto& s : report.steps) {
    run::GateStep step;
    step.name = s.step.name;
    step.agent = s.step.agent;
    step.command = s.step.command;
    step.status = std::string(to_string(s.result.status));
    step.duration_ms = s.result.duration.count();
    step.log = s.step.log.string();
    if (!s.result.detail.empty()) {
      step.extra["detail"] = s.result.detail;
    }
    g.steps.push_back(std::move(step));
  }
  g.culprits = report.culprits;
  if (!report.summary.empty()) {
    g.extra["summary"] = report.summary;
  }
  if (report.bisected) {
    g.extra["bisect_runs"] = report.bisect_runs;
  }
  if (report.conflict) {
    g.extra["conflict"] = {{"agent", report.conflict->agent},
                           {"with", report.conflict->with},
                           {"paths", report.conflict->paths}};
  }
  if (!report.findings.empty()) {
    auto violations = run::Json::array();
    for (const auto& f : report.findings) {
      violations.push_back({{"agent", f.agent},
                            {"path", f.path},
                            {"owners", f.owners},
                            {"protected", f.is_protected},
                            {"commit", git_oid_is_zero(&f.commit) != 0 ? "" : git::oid_str(f.commit)}});
    }
    g.extra["violations"] = violations;
  }
  return g;
}

void record_gate(git_repository* repo, const std::string& run, const run::WaveId& id, const GateReport& report) {
  const std::string& label = id.label;
  const run::GateRecord record = to_record(report);
  // First the ref, so the candidate is reachable once the state names it.
  if (report.candidate) {
    git_reference* raw = nullptr;
    const std::string ref = candidate_ref(run, label);
    const std::string msg = fmt::format("git wave gate: wave {} {}", label, report.pass ? "pass" : "fail");
    git::check(git_reference_create(&raw, repo, ref.c_str(), &*report.candidate, 1, msg.c_str()),
               fmt::format("cannot update '{}'", ref));
    git_reference_free(raw);
  }
  for (int attempt = 0;; ++attempt) {
    auto stored = run::load(repo, run);
    if (!stored) {
      throw Error(fmt::format("the run '{}' disappeared while its gate ran; nothing recorded", run));
    }
    run::WaveRun* wave = id.find(stored->state);
    if (wave == nullptr || wave->status == run::WaveStatus::merged ||
        wave->status == run::WaveStatus::aborted) {
      throw Error(
          fmt::format("wave {} changed while its gate ran (merged, aborted or restarted); the result is not "
                      "recorded",
                      label),
          exit_code::fatal, {"see 'git wave status' and run the gate again"});
    }
    wave->gate = record;
    wave->status = report.pass ? run::WaveStatus::gated : run::WaveStatus::failed;
    try {
      run::save(repo, run, stored->state, stored->plan_text,
                fmt::format("gate wave {}: {}", label, report.pass ? "pass" : "fail"), stored->commit);
      break;
    } catch (const run::Conflict&) {
      if (attempt >= 4) {
        throw;
      }
    }
  }
}

} // namespace wave::gate
