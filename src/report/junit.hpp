#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

// JUnit XML, the test report every CI reads (GitHub Actions through a
// reporter action, GitLab's `artifacts: reports: junit:`, Jenkins): suites
// of test cases, each passed, failed or skipped. Pure: no files, no git.
namespace wave::report {

enum class CaseStatus { pass, failure, skipped };

struct TestCase {
  std::string classname; // "wave.<run>"; GitLab shows it beside the name
  std::string name;
  std::chrono::milliseconds time{0};
  CaseStatus status = CaseStatus::pass;
  std::string message; // failure/skip message: one line
  std::string text;    // failure body: details, a log's tail
  std::string output;  // <system-out>, when not empty
};

struct TestSuite {
  std::string name;
  std::string timestamp; // ISO 8601, may be empty
  std::vector<TestCase> cases;
};

// The document: <testsuites> with counts and times (in seconds, three
// decimals) summed. Text is escaped for XML 1.0: markup characters as
// entities, terminal colour sequences dropped, other control characters and
// bytes that are not UTF-8 as U+FFFD, so that any log's tail makes a valid file.
std::string junit_xml(const std::string& name, const std::vector<TestSuite>& suites);

// `text` escaped as junit_xml escapes text and attribute values.
std::string xml_escape(std::string_view text);

} // namespace wave::report
