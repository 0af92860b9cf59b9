#pragma once

#include "mcp/framing.hpp"
#include "mcp/tools.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

// The MCP server's JSON-RPC 2.0 layer: parses a message, checks it, answers
// what it can at once (initialize, ping, tools/list, logging/setLevel,
// errors) and hands what takes time (tools/call, resources) back as a job
// for the transport to run apart, so pings and cancellations are heard
// while a command runs. Pure: what tools and resources do is the Backend's.
namespace wave::mcp {

using Json = nlohmann::ordered_json;

// JSON-RPC 2.0 and MCP error codes.
namespace code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
inline constexpr int resource_not_found = -32002;
} // namespace code

// The protocol revisions spoken, newest first; the first is answered to a
// client asking for one not listed.
inline constexpr std::string_view protocol_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                         "2024-11-05"};

// What a tool call may tell the client while it runs, and whether it was
// cancelled.
struct CallContext {
  Json request_id;
  Json progress_token; // null: the client asked for no progress
  std::function<void(const Json& notification)> notify;
  const std::atomic<bool>* cancelled = nullptr;
};

// A thrown error that becomes the JSON-RPC error response.
struct RpcError {
  int code;
  std::string message;
  Json data = nullptr;
};

class Backend {
public:
  virtual ~Backend() = default;
  // A CallToolResult; `arguments` passed check_arguments.
  virtual Json call_tool(const Tool& tool, const Json& arguments, const CallContext& context) = 0;
  virtual Json list_resources() = 0;                      // the resources array
  virtual Json read_resource(const std::string& uri) = 0; // contents array; throws RpcError
  // The client cancelled request `id`: stop its command.
  virtual void cancel(const Json& id) = 0;
};

// Log levels of notifications/message, least severe first (RFC 5424).
int log_level(std::string_view name); // -1 when unknown

class Server {
public:
  using Send = std::function<void(const Json& message)>;

  Server(Backend& backend, Send send) : m_backend(backend), m_send(std::move(send)) {}

  struct Reply {
    std::optional<Json> now;                    // to send at once
    std::function<std::optional<Json>()> later; // or to run apart, then send what it returns
  };

  // One message as the transport framed it.
  Reply handle(std::string_view text);
  // A message longer than the cap (never parsed).
  Json oversized(std::size_t size) const;

  // A notifications/message, sent when `level` is at or above the level the
  // client set (logging/setLevel; default info).
  void log(std::string_view level, std::string_view logger, const Json& data);

  std::string protocol_version() const;

private:
  Reply handle_value(const Json& message);
  Json dispatch(const std::string& method, const Json& params);
  Json call_tool(const Json& params, const Json& id, const std::shared_ptr<std::atomic<bool>>& flag);
  static std::size_t max_message_size_hint();
  Json initialize(const Json& params);

  Backend& m_backend;
  Send m_send;
  mutable std::mutex m_mutex;
  std::string m_version; // negotiated; empty before initialize
  int m_level = 1;       // info
  bool m_initialized = false;
  // Tool calls in progress, by their id's JSON: set when cancelled.
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> m_calls;
};

// A JSON-RPC error response (id null when unknown).
Json error_response(const Json& id, int code, std::string_view message, const Json& data = nullptr);

} // namespace wave::mcp
