#include "mcp/server.hpp"

#include "core/version.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <memory>

namespace wave::mcp {

namespace {

constexpr std::array<std::string_view, 8> levels{"debug", "info",     "notice", "warning",
                                                 "error", "critical", "alert",  "emergency"};

// Deeper JSON is refused before it is parsed: copies and dumps of a value
// recurse once per level.
constexpr int max_depth = 64;

int nesting_depth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

bool valid_id(const Json& id) {
  return id.is_string() || id.is_number_integer() || id.is_number_unsigned();
}

Json result_response(const Json& id, Json result) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

const Json& params_of(const Json& message) {
  static const Json empty = Json::object();
  return message.contains("params") ? message.at("params") : empty;
}

std::string string_param(const Json& params, const char* key) {
  if (!params.contains(key) || !params.at(key).is_string()) {
    throw RpcError{code::invalid_params, fmt::format("'{}' must be a string", key)};
  }
  return params.at(key).get<std::string>();
}

} // namespace

int log_level(std::string_view name) {
  const auto it = std::find(levels.begin(), levels.end(), name);
  return it == levels.end() ? -1 : static_cast<int>(it - levels.begin());
}

Json error_response(const Json& id, int code, std::string_view message, const Json& data) {
  Json error{{"code", code}, {"message", message}};
  if (!data.is_null()) {
    error["data"] = data;
  }
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

Json Server::oversized(std::size_t size) const {
  return error_response(
      nullptr, code::invalid_request,
      fmt::format("message of {} bytes refused: the limit is {} bytes", size, max_message_size_hint()),
      Json{{"size", size}, {"limit", max_message_size_hint()}});
}

std::size_t Server::max_message_size_hint() {
  return max_message_size;
}

std::string Server::protocol_version() const {
  const std::lock_guard lock(m_mutex);
  return m_version;
}

void Server::log(std::string_view level, std::string_view logger, const Json& data) {
  {
    const std::lock_guard lock(m_mutex);
    if (log_level(level) < m_level) {
      return;
    }
  }
  m_send(Json{{"jsonrpc", "2.0"},
              {"method", "notifications/message"},
              {"params", Json{{"level", level}, {"logger", logger}, {"data", data}}}});
}

Server::Reply Server::handle(std::string_view text) {
  if (nesting_depth(text) > max_depth) {
    return {error_response(nullptr, code::invalid_request,
                           fmt::format("message nested deeper than {} levels refused", max_depth)),
            {}};
  }
  Json message = Json::parse(text, nullptr, false);
  if (message.is_discarded()) {
    return {error_response(nullptr, code::parse_error, "parse error: the message is not valid JSON"), {}};
  }
  if (message.is_array()) {
    if (message.empty()) {
      return {error_response(nullptr, code::invalid_request, "invalid request: an empty batch"), {}};
    }
    if (protocol_version() != "2025-03-26") {
      return {error_response(nullptr, code::invalid_request,
                             "invalid request: batches are not part of the protocol revision in use "
                             "(only of 2025-03-26)"),
              {}};
    }
    // Each element in turn, apart from the reading of further messages;
    // the answers to its requests in one array (none for notifications).
    auto batch = std::make_shared<Json>(std::move(message));
    return {std::nullopt, [this, batch]() -> std::optional<Json> {
              Json answers = Json::array();
              for (const Json& element : *batch) {
                Reply r = handle_value(element);
                std::optional<Json> answer = r.later ? r.later() : std::move(r.now);
                if (answer) {
                  answers.push_back(std::move(*answer));
                }
              }
              if (answers.empty()) {
                return std::nullopt;
              }
              return answers;
            }};
  }
  return handle_value(message);
}

Server::Reply Server::handle_value(const Json& message) {
  if (!message.is_object()) {
    return {error_response(nullptr, code::invalid_request, "invalid request: not a JSON-RPC object"), {}};
  }
  const bool has_id = message.contains("id");
  const Json id = has_id && valid_id(message.at("id")) ? message.at("id") : Json(nullptr);
  if (message.value("jsonrpc", Json(nullptr)) != "2.0") {
    return {error_response(id, code::invalid_request, "invalid request: \"jsonrpc\" must be \"2.0\""), {}};
  }
  if (has_id && !valid_id(message.at("id"))) {
    return {error_response(nullptr, code::invalid_request,
                           "invalid request: \"id\" must be a string or an integer"),
            {}};
  }
  if (!message.contains("method")) {
    // A response to a request of ours: this server sends none. Ignored.
    return {};
  }
  if (!message.at("method").is_string()) {
    return {has_id ? std::optional<Json>(error_response(id, code::invalid_request,
                                                        "invalid request: \"method\" must be a string"))
                   : std::nullopt,
            {}};
  }
  const std::string method = message.at("method").get<std::string>();
  const Json& params = params_of(message);
  if (!has_id) {
    // A notification: never answered.
    if (method == "notifications/initialized") {
      const std::lock_guard lock(m_mutex);
      m_initialized = true;
    } else if (method == "notifications/cancelled" && params.is_object() && params.contains("requestId")) {
      const Json& request = params.at("requestId");
      std::shared_ptr<std::atomic<bool>> flag;
      {
        const std::lock_guard lock(m_mutex);
        if (const auto it = m_calls.find(request.dump()); it != m_calls.end()) {
          flag = it->second;
        }
      }
      if (flag) {
        flag->store(true);
        m_backend.cancel(request);
      }
    }
    return {};
  }
  if (!params.is_object()) {
    return {error_response(id, code::invalid_params, "invalid params: \"params\" must be an object"), {}};
  }
  if (method == "tools/call" || method == "resources/read" || method == "resources/list") {
    auto flag = std::make_shared<std::atomic<bool>>(false);
    if (method == "tools/call") {
      const std::lock_guard lock(m_mutex);
      if (!m_calls.emplace(id.dump(), flag).second) {
        return {error_response(id, code::invalid_request,
                               fmt::format("invalid request: request {} is still in progress", id.dump())),
                {}};
      }
    }
    auto job = [this, method, params, id, flag]() -> std::optional<Json> {
      std::optional<Json> answer;
      try {
        if (method == "tools/call") {
          answer = result_response(id, call_tool(params, id, flag));
        } else if (method == "resources/list") {
          answer = result_response(id, Json{{"resources", m_backend.list_resources()}});
        } else {
          answer =
              result_response(id, Json{{"contents", m_backend.read_resource(string_param(params, "uri"))}});
        }
      } catch (const RpcError& e) {
        answer = error_response(id, e.code, e.message, e.data);
      } catch (const std::exception& e) {
        answer = error_response(id, code::internal_error, fmt::format("internal error: {}", e.what()));
      }
      if (method == "tools/call") {
        const std::lock_guard lock(m_mutex);
        m_calls.erase(id.dump());
      }
      if (flag->load()) {
        return std::nullopt; // cancelled: the client expects no answer
      }
      return answer;
    };
    return {std::nullopt, std::move(job)};
  }
  try {
    return {result_response(id, dispatch(method, params)), {}};
  } catch (const RpcError& e) {
    return {error_response(id, e.code, e.message, e.data), {}};
  }
}

Json Server::initialize(const Json& params) {
  const std::string asked = string_param(params, "protocolVersion");
  const auto known = std::find(std::begin(protocol_versions), std::end(protocol_versions), asked);
  const std::string version(known == std::end(protocol_versions) ? protocol_versions[0] : *known);
  {
    const std::lock_guard lock(m_mutex);
    m_version = version;
  }
  return Json{
      {"protocolVersion", version},
      {"capabilities", Json{{"tools", Json{{"listChanged", false}}},
                            {"resources", Json{{"subscribe", false}, {"listChanged", false}}},
                            {"logging", Json::object()}}},
      {"serverInfo",
       Json{{"name", "git-wave"}, {"title", "git wave"}, {"version", std::string(wave::version)}}},
      {"instructions",
       "git wave runs many coding agents on one repository, wave by wave, each agent on its own branch and "
       "worktree, owning its own files. As the lead: 'plan' to check the plan (wave.toml), 'start' a wave, "
       "hand each agent its 'brief' (or 'run' the plan's agents), 'status' to see where they are, 'gate' "
       "the wave, then 'merge' it; 'abort' or 'repair' when it went wrong; 'report' at the end. Errors "
       "come as tool errors with the reason and a hint saying what to do."}};
}

Json Server::dispatch(const std::string& method, const Json& params) {
  if (method == "initialize") {
    return initialize(params);
  }
  if (method == "ping") {
    return Json::object();
  }
  if (method == "tools/list") {
    Json list = Json::array();
    for (const auto& tool : tools()) {
      list.push_back(tool_json(tool));
    }
    return Json{{"tools", std::move(list)}};
  }
  if (method == "resources/templates/list") {
    return Json{{"resourceTemplates",
                 Json::array({Json{{"uriTemplate", "git-wave://logs/{agent}"},
                                   {"name", "agent-log"},
                                   {"title", "An agent's log"},
                                   {"description", "the output of the agent's latest attempt under run"},
                                   {"mimeType", "text/plain"}}})}};
  }
  if (method == "logging/setLevel") {
    const std::string level = string_param(params, "level");
    const int n = log_level(level);
    if (n < 0) {
      throw RpcError{code::invalid_params, fmt::format("invalid params: unknown log level '{}'", level),
                     Json{{"levels", levels}}};
    }
    const std::lock_guard lock(m_mutex);
    m_level = n;
    return Json::object();
  }
  throw RpcError{code::method_not_found, fmt::format("method not found: '{}'", method)};
}

Json Server::call_tool(const Json& params, const Json& id, const std::shared_ptr<std::atomic<bool>>& flag) {
  const std::string name = string_param(params, "name");
  const Tool* tool = find_tool(name);
  if (tool == nullptr) {
    std::vector<std::string> names;
    for (const auto& t : tools()) {
      names.push_back(t.name);
    }
    throw RpcError{code::invalid_params, fmt::format("invalid params: unknown tool '{}'", name),
                   Json{{"tools", names}}};
  }
  const Json arguments = params.contains("arguments") ? params.at("arguments") : Json::object();
  if (!arguments.is_object()) {
    throw RpcError{code::invalid_params, "invalid params: \"arguments\" must be an object"};
  }
  if (auto problem = check_arguments(*tool, arguments)) {
    // Since 2025-11-25 a tool's input errors are the tool's errors, for the
    // model to correct; before, errors of the request.
    if (protocol_version() == protocol_versions[0] || protocol_version().empty()) {
      return tool_error(*problem, {fmt::format("see the input schema of '{}' in tools/list", name)});
    }
    throw RpcError{code::invalid_params, fmt::format("invalid params: {}", *problem)};
  }
  CallContext context;
  context.request_id = id;
  if (params.contains("_meta") && params.at("_meta").is_object() &&
      params.at("_meta").contains("progressToken")) {
    context.progress_token = params.at("_meta").at("progressToken");
  }
  context.notify = m_send;
  context.cancelled = flag.get();
  return m_backend.call_tool(*tool, arguments, context);
}

} // namespace wave::mcp
