#pragma once

#include "mcp/server.hpp"

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// The Backend of `git wave mcp`: each tool call and resource read runs the
// git-wave program itself as a child (`--json` where the command has it):
// the same serialisers, locks, messages and exit codes as the CLI; a crash
// in a command is that call's error, never the server's; cancelling a call
// stops its child's process group. `run` goes on in the background, its
// events told as log notifications. The server keeps nothing but what its
// children print: the state is git's, as for any other git wave.
namespace wave::mcp {

class Exec final : public Backend {
public:
  // `self`: the git-wave program; `log`: notifications/message (the
  // Server's log, which honours the client's level).
  using Log = std::function<void(std::string_view level, std::string_view logger, const Json& data)>;
  Exec(std::filesystem::path self, Log log);
  ~Exec() override;
  Exec(const Exec&) = delete;
  Exec& operator=(const Exec&) = delete;

  Json call_tool(const Tool& tool, const Json& arguments, const CallContext& context) override;
  Json list_resources() override;
  Json read_resource(const std::string& uri) override;
  void cancel(const Json& id) override;

  // Stops every command still running (the client has gone) and waits for
  // the background run to end.
  void shutdown();

private:
  // Runs `git-wave ARGS`; `key` names the call for cancel (empty: none);
  // `on_line` is told each line of its stdout as it comes.
  Outcome command(const std::vector<std::string>& args, const std::string& key,
                  const std::function<void(std::string_view)>& on_line = {});
  Json run_tool(const Json& arguments, const CallContext& context);
  Json run_state(std::size_t since); // with m_mutex held
  void stop_run(std::unique_lock<std::mutex>& lock);

  std::filesystem::path m_self;
  Log m_log;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::map<std::string, int> m_groups; // process group of each call's command, by its id
  bool m_closing = false;

  // The run launched in the background, when one was.
  struct Background {
    std::thread thread;
    bool launched = false;
    bool running = false;
    std::vector<std::string> args;
    std::vector<Json> events;
    Outcome outcome;
  } m_run;
};

} // namespace wave::mcp
