#include "gate/record.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "run/store.hpp"

#include <fmt/format.h>

namespace wave::gate {

std::string candidate_ref(const std::string& run, const std::string& label) {
  return fmt::format("refs/wave/{}/candidate/{}", run, label);
}

namespace {

run::StepOutcome outcome(StepStatus s) {
  switch (s) {
  case StepStatus::pass:
    return run::StepOutcome::pass;
  case StepStatus::fail:
    return run::StepOutcome::fail;
  case StepStatus::timeout:
    return run::StepOutcome::timeout;
  case StepStatus::skipped:
    break;
  }
  return run::StepOutcome::skipped;
}

} // namespace

run::GateRecord to_record(const GateReport& report) {
  run::GateRecord g;
  g.result = report.pass ? run::GateResult::pass : run::GateResult::fail;
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
    step.status = outcome(s.result.status);
    step.duration_ms = s.result.duration.count();
    step.log = s.step.log.string();
    step.detail = s.result.detail;
    g.steps.push_back(std::move(step));
  }
  g.culprits = report.culprits;
  g.summary = report.summary;
  if (report.bisected) {
    g.bisect_runs = report.bisect_runs;
  }
  if (report.conflict) {
    g.conflict = run::MergeConflict{report.conflict->agent, report.conflict->with, report.conflict->paths};
  }
  for (const auto& f : report.findings) {
    g.violations.push_back(
        {f.agent, f.path, f.owners, f.is_protected, git_oid_is_zero(&f.commit) != 0 ? "" : git::oid_str(f.commit)});
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
    if (wave->gate) {
      wave->earlier_gates.push_back({wave->gate->started_at, wave->gate->finished_at, wave->gate->result});
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
