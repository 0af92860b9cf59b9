#include <catch.hpp>

#include "report/junit.hpp"

#include <string>

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
