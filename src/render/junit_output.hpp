#pragma once

#include "gate/gate.hpp"
#include "report/junit.hpp"

#include <filesystem>
#include <string>
#include <vector>

// `--junit <file>`: a command's outcome as a JUnit XML file for CI.
namespace wave::render {

// Throws Error (fatal) when `file` could not be written where it is: its
// folder missing or not a folder. Checked before a command does its work,
// so that a gate is not run for a report that cannot be kept.
void check_junit_path(const std::filesystem::path& file);

// Writes the document atomically (a temporary file renamed into place).
void write_junit(const std::filesystem::path& file, const std::string& name,
                 const std::vector<report::TestSuite>& suites);

// One gate as one suite: a case per step, in the order they ran (lead
// commits, each agent's ownership audit, building the candidate, agents'
// gates named by agent, the checkout and the plan's gate commands, bisect
// runs), and one naming the culprit when the gate searched for it. A failed
// step carries its detail and its log's tail; git wave's own steps that
// passed carry their log (what the audit found, the candidate's id).
report::TestSuite gate_suite(const std::string& run, const std::string& wave, const gate::GateReport& r);

} // namespace wave::render
