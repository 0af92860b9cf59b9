#include "render/junit_output.hpp"

#include "cli/progress.hpp"
#include "core/error.hpp"
#include "util/file.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::render {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t tail_size = 60; // lines of a failed step's log

report::TestCase step_case(const std::string& classname, const gate::StepRecord& s) {
  report::TestCase c;
  c.classname = s.step.agent.empty() ? classname : fmt::format("{}.{}", classname, s.step.agent);
  c.name = cli::ProgressReporter::label(s.step);
  c.time = s.result.duration;
  switch (s.result.status) {
  case gate::StepStatus::pass:
    break;
  case gate::StepStatus::skipped:
    c.status = report::CaseStatus::skipped;
    c.message = "not run: an earlier step failed";
    break;
  case gate::StepStatus::fail:
  case gate::StepStatus::timeout:
    c.status = report::CaseStatus::failure;
    c.message = s.result.detail.empty() ? std::string(gate::to_string(s.result.status)) : s.result.detail;
    c.text = util::tail_lines(s.step.log, tail_size);
    if (!c.text.empty() && c.text.back() != '\n') {
      c.text += '\n';
    }
    c.text += fmt::format("log: {}\n", s.step.log.string());
    break;
  }
  return c;
}

} // namespace

void check_junit_path(const fs::path& file) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::error_code ec;
  if (file.filename().empty() || fs::is_directory(file, ec)) {
    throw Error(fmt::format("--junit '{}' is a folder, not a file", file.string()), exit_code::usage,
                {"name the report's file: --junit gate.xml"});
  }
  if (!fs::is_directory(dir, ec)) {
    throw Error(
        fmt::format("cannot write the JUnit report '{}': no folder '{}'", file.string(), dir.string()),
        exit_code::fatal, {"create the folder first, or write the report elsewhere"});
  }
}

void write_junit(const fs::path& file, const std::string& name,
                 const std::vector<report::TestSuite>& suites) {
  util::replace_file(file, report::junit_xml(name, suites));
}

report::TestSuite gate_suite(const std::string& run, const std::string& wave, const gate::GateReport& r) {
  report::TestSuite suite;
  suite.name = fmt::format("git wave gate: run {}, wave {}", run, wave);
  suite.timestamp = r.started_at;
  const std::string classname = fmt::format("wave.{}.{}", run, wave);
  for (const auto& s : r.steps) {
    auto c = step_case(classname, s);
    if (c.status == report::CaseStatus::pass && s.step.command.empty()) {
      // git wave's own steps (audit, candidate): their few lines say what
      // was checked, restores accepted, the candidate made.
      c.output = util::tail_lines(s.step.log, tail_size);
    }
    suite.cases.push_back(std::move(c));
  }
  if (r.bisected) {
    report::TestCase c;
    c.classname = classname;
    c.name = "culprit search";
    c.status = report::CaseStatus::failure;
    if (!r.culprits.empty()) {
      c.message =
          fmt::format("culprit{}: {}", r.culprits.size() == 1 ? "" : "s", util::join(r.culprits, ", "));
    } else if (r.base_fails) {
      c.message = "the integration tip alone fails the gate";
    } else {
      c.message = "no single culprit found";
    }
    c.text = fmt::format("{} gate run{}{}\n", r.bisect_runs, r.bisect_runs == 1 ? "" : "s",
                         r.bisect_untestable ? "; stopped: a candidate could not be tested" : "");
    suite.cases.push_back(std::move(c));
  }
  return suite;
}

} // namespace wave::render
