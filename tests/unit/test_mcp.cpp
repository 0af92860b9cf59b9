#include "mcp/framing.hpp"
#include "mcp/server.hpp"
#include "mcp/tools.hpp"

#include <catch.hpp>

#include <string>
#include <vector>

using wave::mcp::Json;
namespace mcp = wave::mcp;

namespace {

// Answers tool calls with the tool's name and arguments; records cancels.
struct FakeBackend final : mcp::Backend {
  std::vector<Json> cancelled;
  Json call_tool(const mcp::Tool& tool, const Json& arguments, const mcp::CallContext& context) override {
    if (context.cancelled != nullptr && tool.name == "gate") {
      // A call cancelled while it runs: the server must not answer it.
      cancel_hook();
    }
    return Json{{"content", Json::array({Json{{"type", "text"}, {"text", tool.name}}})},
                {"structuredContent", Json{{"tool", tool.name}, {"arguments", arguments}}},
                {"isError", false}};
  }
  Json list_resources() override { return Json::array({Json{{"uri", "git-wave://plan"}, {"name", "plan"}}}); }
  Json read_resource(const std::string& uri) override {
    if (uri != "git-wave://plan") {
      throw mcp::RpcError{mcp::code::resource_not_found, "resource not found: '" + uri + "'"};
    }
    return Json::array({Json{{"uri", uri}, {"text", "{}"}}});
  }
  void cancel(const Json& id) override { cancelled.push_back(id); }
  std::function<void()> cancel_hook = [] {};
};

struct Session {
  FakeBackend backend;
  std::vector<Json> sent;
  mcp::Server server{backend, [this](const Json& m) { sent.push_back(m); }};

  // The answer to `text`, jobs run at once; nothing when none is due.
  std::optional<Json> answer(std::string_view text) {
    auto reply = server.handle(text);
    if (reply.later) {
      return reply.later();
    }
    return reply.now;
  }
  Json ask(const Json& request) {
    auto a = answer(request.dump());
    REQUIRE(a);
    return *a;
  }
  void init(const std::string& version = "2025-11-25") {
    const Json r =
        ask(Json{{"jsonrpc", "2.0"},
                 {"id", 0},
                 {"method", "initialize"},
                 {"params", Json{{"protocolVersion", version}, {"capabilities", Json::object()}}}});
    REQUIRE(r["result"]["protocolVersion"] == version);
  }
};

Json request(int id, const std::string& method, Json params = Json::object()) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

int error_code(const Json& response) {
  REQUIRE(response.contains("error"));
  return response["error"]["code"].get<int>();
}

} // namespace

TEST_CASE("mcp: framing splits lines, skips blank ones, caps the size", "[mcp]") {
  SECTION("messages across reads, CRLF, blank lines") {
    mcp::Framer f;
    auto a = f.feed("{\"a\":1}\n{\"b\"");
    REQUIRE(a.size() == 1);
    CHECK(a[0].text == "{\"a\":1}");
    auto b = f.feed(":2}\r\n\n   \n");
    REQUIRE(b.size() == 1);
    CHECK(b[0].text == "{\"b\":2}");
    CHECK(f.finish().empty());
  }
  SECTION("an unterminated last message is taken at the end") {
    mcp::Framer f;
    CHECK(f.feed("{\"c\":3}").empty());
    auto c = f.finish();
    REQUIRE(c.size() == 1);
    CHECK(c[0].text == "{\"c\":3}");
  }
  SECTION("an oversized message is dropped as it comes, reported once, and the next one is read") {
    mcp::Framer f(16);
    CHECK(f.feed(std::string(10, 'x')).empty());
    CHECK(f.feed(std::string(10, 'y')).empty());
    auto r = f.feed(std::string(5, 'z') + "\n{\"ok\":1}\n");
    REQUIRE(r.size() == 2);
    CHECK(r[0].oversized);
    CHECK(r[0].size == 25);
    CHECK(r[0].text.empty());
    CHECK_FALSE(r[1].oversized);
    CHECK(r[1].text == "{\"ok\":1}");
  }
  SECTION("the cap is 4 MiB") {
    CHECK(mcp::max_message_size == 4u * 1024 * 1024);
  }
}

TEST_CASE("mcp: malformed and invalid messages get an error each, never a crash", "[mcp]") {
  Session s;
  SECTION("not JSON: parse error, id null") {
    for (const char* text : {"{", "nope", "{\"jsonrpc\":\"2.0\",", "\xff\xfe", "[1,"}) {
      auto r = s.answer(text);
      REQUIRE(r);
      CHECK(error_code(*r) == mcp::code::parse_error);
      CHECK((*r)["id"].is_null());
    }
  }
  SECTION("JSON that is not a request: invalid request") {
    for (const char* text : {"1", "\"x\"", "null", "{\"id\":1,\"method\":\"ping\"}",
                             "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
                             "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
                             "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
                             "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":7}"}) {
      auto r = s.answer(text);
      REQUIRE(r);
      CHECK(error_code(*r) == mcp::code::invalid_request);
    }
  }
  SECTION("the id of a bad request is kept when it is one") {
    auto r = s.answer("{\"jsonrpc\":\"1.0\",\"id\":\"x\",\"method\":\"ping\"}");
    CHECK((*r)["id"] == "x");
  }
  SECTION("params that are not an object: invalid params") {
    auto r = s.answer("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":[1]}");
    CHECK(error_code(*r) == mcp::code::invalid_params);
    CHECK((*r)["id"] == 3);
  }
  SECTION("nesting deeper than the limit is refused before parsing") {
    const std::string deep =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":" + std::string(100000, '[') +
        std::string(100000, ']') + "}}";
    auto r = s.answer(deep);
    CHECK(error_code(*r) == mcp::code::invalid_request);
  }
  SECTION("an oversized message: invalid request naming the limit") {
    const Json r = s.server.oversized(5u << 20);
    CHECK(error_code(r) == mcp::code::invalid_request);
    CHECK(r["id"].is_null());
    CHECK(r["error"]["data"]["limit"] == mcp::max_message_size);
  }
  SECTION("unknown method: method not found") {
    CHECK(error_code(s.ask(request(4, "tools/destroy"))) == mcp::code::method_not_found);
    CHECK(error_code(s.ask(request(5, "prompts/list"))) == mcp::code::method_not_found);
  }
}

TEST_CASE("mcp: notifications are never answered, responses to us are ignored", "[mcp]") {
  Session s;
  CHECK_FALSE(s.answer("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
  CHECK_FALSE(s.answer("{\"jsonrpc\":\"2.0\",\"method\":\"no/such/notification\"}"));
  CHECK_FALSE(s.answer("{\"jsonrpc\":\"2.0\",\"method\":\"tools/list\"}")); // a request without id
  CHECK_FALSE(
      s.answer("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":9}}"));
  CHECK_FALSE(s.answer("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}"));
  CHECK(s.backend.cancelled.empty()); // no such call in progress
}

TEST_CASE("mcp: initialize negotiates the protocol revision", "[mcp]") {
  Session s;
  SECTION("a revision it speaks is answered with itself") {
    for (const char* v : {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}) {
      const Json r =
          s.ask(request(1, "initialize", Json{{"protocolVersion", v}, {"capabilities", Json::object()}}));
      CHECK(r["result"]["protocolVersion"] == v);
      CHECK(r["result"]["capabilities"].contains("tools"));
      CHECK(r["result"]["capabilities"].contains("resources"));
      CHECK(r["result"]["capabilities"].contains("logging"));
      CHECK(r["result"]["serverInfo"]["name"] == "git-wave");
    }
  }
  SECTION("another one is answered with the latest it speaks") {
    const Json r = s.ask(request(1, "initialize", Json{{"protocolVersion", "1999-01-01"}}));
    CHECK(r["result"]["protocolVersion"] == "2025-11-25");
  }
  SECTION("no version: invalid params") {
    CHECK(error_code(s.ask(request(1, "initialize", Json{{"protocolVersion", 3}}))) ==
          mcp::code::invalid_params);
  }
}

TEST_CASE("mcp: ping, tools/list, logging/setLevel", "[mcp]") {
  Session s;
  s.init();
  CHECK(s.ask(request(1, "ping"))["result"] == Json::object());
  const Json list = s.ask(request(2, "tools/list"))["result"]["tools"];
  std::vector<std::string> names;
  for (const auto& t : list) {
    names.push_back(t["name"]);
    CHECK(t["inputSchema"]["type"] == "object");
    CHECK(t["inputSchema"]["additionalProperties"] == false);
    CHECK(t["description"].get<std::string>().size() > 40);
    for (const auto& [key, p] : t["inputSchema"]["properties"].items()) {
      INFO(t["name"] << "." << key);
      CHECK(p["description"].get<std::string>().size() > 5);
    }
  }
  CHECK(names == std::vector<std::string>{"plan", "owner", "status", "brief", "start", "gate", "merge",
                                          "abort", "repair", "run", "report", "logs"});
  SECTION("setLevel filters log notifications") {
    s.server.log("info", "t", "shown");
    CHECK(s.sent.size() == 1);
    CHECK(s.sent[0]["method"] == "notifications/message");
    CHECK(s.ask(request(3, "logging/setLevel", Json{{"level", "warning"}}))["result"] == Json::object());
    s.server.log("info", "t", "hidden");
    s.server.log("error", "t", "shown");
    REQUIRE(s.sent.size() == 2);
    CHECK(s.sent[1]["params"]["level"] == "error");
    CHECK(error_code(s.ask(request(4, "logging/setLevel", Json{{"level", "loud"}}))) ==
          mcp::code::invalid_params);
  }
}

TEST_CASE("mcp: tools/call checks the tool and its arguments", "[mcp]") {
  Session s;
  SECTION("unknown tool: invalid params naming the tools") {
    s.init();
    const Json r = s.ask(request(1, "tools/call", Json{{"name", "rm"}, {"arguments", Json::object()}}));
    CHECK(error_code(r) == mcp::code::invalid_params);
    CHECK(r["error"]["data"]["tools"].size() == 12);
    CHECK(error_code(s.ask(request(2, "tools/call", Json{{"arguments", Json::object()}}))) ==
          mcp::code::invalid_params);
    CHECK(error_code(s.ask(request(3, "tools/call", Json{{"name", "plan"}, {"arguments", "x"}}))) ==
          mcp::code::invalid_params);
  }
  SECTION("since 2025-11-25, bad arguments are a tool error for the model to correct") {
    s.init();
    const Json r =
        s.ask(request(1, "tools/call", Json{{"name", "gate"}, {"arguments", Json{{"bisect", -1}}}}));
    CHECK(r["result"]["isError"] == true);
    CHECK(r["result"]["structuredContent"]["error"] == "'bisect' must be from 0 to 1000000000, not -1");
    CHECK(s.backend.cancelled.empty());
  }
  SECTION("before, they are invalid params") {
    s.init("2025-06-18");
    const auto bad = [&](const Json& args) {
      const Json r = s.ask(request(1, "tools/call", Json{{"name", "owner"}, {"arguments", args}}));
      return r["error"]["message"].get<std::string>();
    };
    CHECK(bad(Json::object()) == "invalid params: 'owner' needs the argument 'paths'");
    CHECK(bad(Json{{"paths", "a"}}) == "invalid params: 'paths' must be an array, not a string");
    CHECK(bad(Json{{"paths", Json::array()}}) == "invalid params: 'paths' must not be empty");
    CHECK(bad(Json{{"paths", Json::array({1})}}) ==
          "invalid params: 'paths[0]' must be a string, not an integer");
    CHECK(bad(Json{{"paths", Json::array({""})}}) == "invalid params: 'paths[0]' must not be empty");
    CHECK(bad(Json{{"paths", Json::array({"a"})}, {"x", 1}}) ==
          "invalid params: 'owner' takes no argument 'x' (it takes: paths, plan)");
    CHECK(bad(Json{{"paths", Json::array({"a"})}, {"plan", true}}) ==
          "invalid params: 'plan' must be a string, not a boolean");
  }
  SECTION("good arguments reach the backend") {
    s.init();
    const Json r = s.ask(request(
        1, "tools/call", Json{{"name", "owner"}, {"arguments", Json{{"paths", Json::array({"a"})}}}}));
    CHECK(r["result"]["structuredContent"]["tool"] == "owner");
  }
}

TEST_CASE("mcp: a cancelled call is not answered, and its command is stopped", "[mcp]") {
  Session s;
  s.init();
  auto reply = s.server.handle(request(42, "tools/call", Json{{"name", "gate"}}).dump());
  REQUIRE(reply.later);
  // The client cancels while the call runs.
  s.backend.cancel_hook = [&] {
    CHECK_FALSE(s.answer("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":"
                         "{\"requestId\":42,\"reason\":\"user\"}}"));
  };
  CHECK_FALSE(reply.later());
  REQUIRE(s.backend.cancelled.size() == 1);
  CHECK(s.backend.cancelled[0] == 42);
  SECTION("a second call with the id of one in progress is refused") {
    auto first = s.server.handle(request(5, "tools/call", Json{{"name", "status"}}).dump());
    const Json again = s.ask(request(5, "tools/call", Json{{"name", "status"}}));
    CHECK(error_code(again) == mcp::code::invalid_request);
    CHECK(first.later());
  }
}

TEST_CASE("mcp: batches only where the protocol revision has them", "[mcp]") {
  Session s;
  SECTION("2025-11-25: refused") {
    s.init();
    auto r = s.answer("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
    CHECK(error_code(*r) == mcp::code::invalid_request);
  }
  SECTION("2025-03-26: an answer per request, none for notifications") {
    s.init("2025-03-26");
    auto r = s.answer("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
                      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"}, 5]");
    REQUIRE(r);
    REQUIRE(r->is_array());
    REQUIRE(r->size() == 3);
    CHECK((*r)[0]["id"] == 1);
    CHECK(error_code((*r)[1]) == mcp::code::method_not_found);
    CHECK(error_code((*r)[2]) == mcp::code::invalid_request);
    CHECK_FALSE(s.answer("[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]"));
    CHECK(error_code(*s.answer("[]")) == mcp::code::invalid_request);
  }
}

TEST_CASE("mcp: resources", "[mcp]") {
  Session s;
  s.init();
  CHECK(s.ask(request(1, "resources/list"))["result"]["resources"][0]["uri"] == "git-wave://plan");
  CHECK(s.ask(request(2, "resources/read",
                      Json{{"uri", "git-wave://plan"}}))["result"]["contents"][0]["text"] == "{}");
  CHECK(error_code(s.ask(request(3, "resources/read", Json{{"uri", "file:///etc/passwd"}}))) ==
        mcp::code::resource_not_found);
  CHECK(error_code(s.ask(request(4, "resources/read"))) == mcp::code::invalid_params);
}

TEST_CASE("mcp: tools map to git wave command lines, values never taken for options", "[mcp]") {
  const auto args = [](const char* tool, const Json& a) {
    return mcp::command_args(*mcp::find_tool(tool), a);
  };
  using V = std::vector<std::string>;
  CHECK(args("plan", Json{{"plan", "-x.toml"}, {"split", true}}) ==
        V{"plan", "--json", "--plan=-x.toml", "--split"});
  CHECK(args("owner", Json{{"paths", Json::array({"-rf", "a"})}}) == V{"owner", "--json", "--", "-rf", "a"});
  CHECK(args("brief", Json{{"agent", "-a"}}) == V{"prompt", "--", "-a"});
  CHECK(args("gate", Json{{"bisect", 0}, {"no_commit", true}}) ==
        V{"gate", "--json", "--bisect=0", "--no-commit"});
  CHECK(args("merge", Json{{"wave", "2"}, {"keep", false}}) == V{"merge", "--json", "--wave=2"});
  CHECK(args("logs", Json{{"agent", "a"}, {"attempt", 2}}) == V{"logs", "--attempt=2", "--", "a"});
  CHECK(args("run", Json{{"one_wave", true}}) == V{"run", "--json", "--one-wave"});
  CHECK(args("repair", Json{{"agent", "a"}, {"message", "m"}}) ==
        V{"repair", "--json", "--message=m", "--", "a"});
}

TEST_CASE("mcp: tool results carry the command's structure, message and hint", "[mcp]") {
  mcp::Outcome failed{128, "", "progress\nerror: the run lock is held\nhint: wait for it\n", "exit 128"};
  const Json r = mcp::tool_result("git wave merge: failed (exit 128)", nullptr, failed);
  CHECK(r["isError"] == true);
  CHECK(r["structuredContent"]["error"] == "the run lock is held");
  CHECK(r["structuredContent"]["hints"] == Json::array({"wait for it"}));
  CHECK(r["content"][0]["text"] ==
        "git wave merge: failed (exit 128)\nerror: the run lock is held\nhint: wait for it");
  const Json ok = mcp::tool_result("done", Json{{"a", 1}}, mcp::Outcome{});
  CHECK(ok["isError"] == false);
  CHECK(ok["structuredContent"] == Json{{"a", 1}});
  CHECK(ok["content"][1]["text"] == "{\"a\":1}");
  CHECK(mcp::tail_bytes("one\ntwo\nthree\n", 8) == "[... 8 bytes left out ...]\nthree\n");
}
