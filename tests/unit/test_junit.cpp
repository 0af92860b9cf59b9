#include <catch.hpp>

#include "core/error.hpp"
#include "render/junit_output.hpp"
#include "report/junit.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

using namespace wave;
using report::CaseStatus;
using report::TestCase;
using report::TestSuite;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) {
    ++n;
  }
  return n;
}

} // namespace

TEST_CASE("junit: markup characters become entities", "[junit]") {
  CHECK(report::xml_escape("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  CHECK(report::xml_escape("tab\tnew\nline") == "tab\tnew\nline");
  CHECK(report::xml_escape("cr\r") == "cr&#13;");
}

TEST_CASE("junit: ']]>' never appears raw", "[junit]") {
  const std::string out = report::xml_escape("x ]]> y <![CDATA[ z");
  CHECK(out.find("]]>") == std::string::npos);
  CHECK(out == "x ]]&gt; y &lt;![CDATA[ z");
}

TEST_CASE("junit: control characters and bad UTF-8 cannot break the document", "[junit]") {
  const std::string fffd = "\xEF\xBF\xBD";
  SECTION("terminal colour is dropped") {
    CHECK(report::xml_escape("\x1b[1;31merror:\x1b[m x") == "error: x");
    CHECK(report::xml_escape("\x1b]0;title\a.") == ".");
  }
  SECTION("other control characters, NUL included, are U+FFFD") {
    CHECK(report::xml_escape(std::string("a\0b", 3)) == "a" + fffd + "b");
    CHECK(report::xml_escape("\x01\x08\x0b\x0c\x1f\x7f") == fffd + fffd + fffd + fffd + fffd + fffd);
    CHECK(report::xml_escape("\x1b") == fffd);
  }
  SECTION("valid UTF-8 is kept, invalid bytes are U+FFFD") {
    CHECK(report::xml_escape("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80") ==
          "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80");
    CHECK(report::xml_escape("\xC3") == fffd);                       // cut short
    CHECK(report::xml_escape("\xC0\xAF") == fffd + fffd);            // overlong
    CHECK(report::xml_escape("\xED\xA0\x80") == fffd + fffd + fffd); // a surrogate
    CHECK(report::xml_escape("\xEF\xBF\xBF") == fffd + fffd + fffd); // U+FFFF is no XML character
    CHECK(report::xml_escape("\xff") == fffd);
  }
}

TEST_CASE("junit: suites, cases and counts", "[junit]") {
  TestSuite gate;
  gate.name = "gate wave 1";
  gate.timestamp = "2026-12-06T07:00:00Z";
  gate.cases.push_back(TestCase{"wave.r.1", "agent gate a: make test", std::chrono::milliseconds(1500),
                                CaseStatus::pass, "", "", ""});
  gate.cases.push_back(TestCase{"wave.r.1", "gate: make", std::chrono::milliseconds(20), CaseStatus::failure,
                                "exit 2", "cc: <error> & \x1b[31mred\x1b[m\n", ""});
  gate.cases.push_back(
      TestCase{"wave.r.1", "bisect", std::chrono::milliseconds(0), CaseStatus::skipped, "not run", "", ""});
  TestSuite audit;
  audit.name = "audit";
  audit.cases.push_back(
      TestCase{"wave.r.b", "audit b", std::chrono::milliseconds(5), CaseStatus::pass, "", "", "3 paths"});
  const std::string xml = report::junit_xml("git wave", {gate, audit});

  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"git wave\" tests=\"4\" "
                  "failures=\"1\" errors=\"0\" skipped=\"1\" time=\"1.525\">",
                  0) == 0);
  CHECK(xml.find("<testsuite name=\"gate wave 1\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" "
                 "time=\"1.520\" timestamp=\"2026-12-06T07:00:00Z\">") != std::string::npos);
  CHECK(xml.find("<testcase classname=\"wave.r.1\" name=\"agent gate a: make test\" time=\"1.500\"/>") !=
        std::string::npos);
  CHECK(xml.find("<failure message=\"exit 2\" type=\"failure\">cc: &lt;error&gt; &amp; red\n</failure>") !=
        std::string::npos);
  CHECK(xml.find("<skipped message=\"not run\"/>") != std::string::npos);
  CHECK(xml.find("<system-out>3 paths</system-out>") != std::string::npos);
  CHECK(count(xml, "<testsuite ") == 2);
  CHECK(count(xml, "<testcase ") == 4);
  CHECK(count(xml, "</testcase>") == 3); // failed, skipped, with output; a bare pass is an empty element
  CHECK(xml.find('\x1b') == std::string::npos);
}

TEST_CASE("junit: no suites is an empty, valid document", "[junit]") {
  CHECK(report::junit_xml("x", {}) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"x\" tests=\"0\" failures=\"0\" "
        "errors=\"0\" skipped=\"0\" time=\"0.000\">\n</testsuites>\n");
}

TEST_CASE("junit: a gate's report, a case per step, the failing one with its log's tail", "[junit]") {
  const char* base = std::getenv("WAVE_TEST_TMP");
  const auto dir =
      std::filesystem::path(base != nullptr ? base : "/tmp") / ("junit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto write = [&dir](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  gate::GateReport r;
  r.started_at = "2026-12-06T07:00:00Z";
  const auto step = [](std::string name, std::string agent, std::string command, std::filesystem::path log,
                       gate::StepStatus status, long ms, std::string detail) {
    gate::StepRecord s;
    s.step.name = std::move(name);
    s.step.agent = std::move(agent);
    s.step.command = std::move(command);
    s.step.log = std::move(log);
    s.result.status = status;
    s.result.duration = std::chrono::milliseconds(ms);
    s.result.detail = std::move(detail);
    return s;
  };
  r.steps.push_back(step("audit", "a", "", write("audit-a.log", "wave/r/a commits touch 1 path\n"),
                         gate::StepStatus::pass, 0, ""));
  r.steps.push_back(
      step("agent gate", "a", "make test", write("gate-a.log", "ok\n"), gate::StepStatus::pass, 2500, ""));
  std::string long_log;
  for (int i = 1; i <= 100; ++i) {
    long_log += "line " + std::to_string(i) + "\n";
  }
  long_log += "cc: error: <oops> \x1b[31mred\x1b[m\n";
  r.steps.push_back(
      step("gate", "", "make", write("gate.log", long_log), gate::StepStatus::fail, 1200, "exit 2"));
  r.steps.push_back(step("gate", "", "make check", write("gate2.log", ""), gate::StepStatus::skipped, 0, ""));
  r.bisected = true;
  r.bisect_runs = 2;
  r.culprits = {"a"};

  const auto suite = render::gate_suite("r", "1", r);
  REQUIRE(suite.cases.size() == 5);
  CHECK(suite.name == "git wave gate: run r, wave 1");
  CHECK(suite.timestamp == "2026-12-06T07:00:00Z");
  CHECK(suite.cases[0].name == "audit a");
  CHECK(suite.cases[0].classname == "wave.r.1.a");
  CHECK(suite.cases[0].output == "wave/r/a commits touch 1 path\n"); // git wave's own step: its log
  CHECK(suite.cases[1].name == "agent gate a: make test");
  CHECK(suite.cases[1].output.empty()); // a command's log stays in the log
  CHECK(suite.cases[1].time == std::chrono::milliseconds(2500));
  const auto& failed = suite.cases[2];
  CHECK(failed.name == "gate: make");
  CHECK(failed.classname == "wave.r.1");
  CHECK(failed.status == report::CaseStatus::failure);
  CHECK(failed.message == "exit 2");
  CHECK(failed.text.find("line 41\n") == std::string::npos); // the last 60 lines only
  CHECK(failed.text.find("line 42\n") != std::string::npos);
  CHECK(failed.text.find("cc: error: <oops>") != std::string::npos);
  CHECK(failed.text.find("log: " + (dir / "gate.log").string()) != std::string::npos);
  CHECK(suite.cases[3].status == report::CaseStatus::skipped);
  CHECK(suite.cases[4].name == "culprit search");
  CHECK(suite.cases[4].message == "culprit: a");

  const std::string xml = report::junit_xml("git wave gate", {suite});
  CHECK(xml.find("tests=\"5\" failures=\"2\" errors=\"0\" skipped=\"1\" time=\"3.700\"") !=
        std::string::npos);
  CHECK(xml.find("cc: error: &lt;oops&gt; red\n") != std::string::npos);

  const auto file = dir / "gate.xml";
  render::write_junit(file, "git wave gate", {suite});
  std::ifstream in(file);
  CHECK(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()) == xml);
  CHECK_THROWS_AS(render::check_junit_path(dir / "missing" / "gate.xml"), Error);
  CHECK_THROWS_AS(render::check_junit_path(dir), Error);
  CHECK_NOTHROW(render::check_junit_path(file));
  std::filesystem::remove_all(dir);
}
