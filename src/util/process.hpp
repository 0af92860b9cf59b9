#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Running shell commands (gate and setup steps) the way a careful CI runner
// does: in their own process group, output to a log file (and optionally
// echoed), a timeout that kills the whole group.
namespace wave::util {

struct ProcessOptions {
  std::string command;                                  // run as /bin/sh -c COMMAND
  std::vector<std::string> argv;                        // or, when set, this program (found in PATH)
  std::filesystem::path cwd;                            // empty: inherit
  std::vector<std::pair<std::string, std::string>> env; // added to (or replacing in) the environment
  std::vector<std::string> unset;                       // removed from the environment
  std::filesystem::path log;                            // stdout+stderr appended here; empty: none
  std::string* capture = nullptr;                       // stdout+stderr also appended here
  // Told (on the calling thread) each piece of output as it is read.
  std::function<void(std::string_view)> on_output;
  // When set, the command's stderr goes to this descriptor, apart from its
  // stdout (which alone then reaches log, capture and on_output).
  int stderr_fd = -1;
  // stdout+stderr go straight to `log`, with no pipe through this process:
  // a command that outlives us (we were killed) can go on writing.
  bool direct_log = false;
  bool echo = false;                                // also copy output to our stderr
  std::optional<std::chrono::milliseconds> timeout; // kill the whole group after this
  std::chrono::milliseconds kill_grace{2000};       // SIGTERM, then SIGKILL after this
  std::filesystem::path stdin_file;                 // read on stdin; empty: /dev/null
  int inherit_fd = -1;                              // handed to the command as its fd 3
  // Told (on the calling thread) the id of the command's process group as
  // soon as it is forked, before anything else is done with it.
  std::function<void(int)> on_started;
  // Stall detection: after `idle_timeout` without output, `active()` is
  // asked whether the command did something else since it was last asked
  // (changed files), and how long ago it last did; when it did nothing, or
  // nothing within `idle_timeout`, the whole group is killed as stalled.
  std::optional<std::chrono::milliseconds> idle_timeout;
  std::function<std::optional<std::chrono::milliseconds>()> active;
  // Told (from the calling thread) once the command has been quiet for
  // `quiet_after`: no output, no activity reported; again after each new
  // quiet spell. It goes on running.
  std::optional<std::chrono::milliseconds> quiet_after;
  std::function<void(std::chrono::milliseconds)> on_quiet;
  // Asked, once at the start and again each time the command wrote output,
  // whether it is to be ended now: a reason ends the whole group (as a
  // timeout does), nothing lets it go on. (An agent past its budget.)
  std::function<std::optional<std::string>()> end_if;
  // Started even after a stop was requested: a step of a start that a
  // signal's sweep waits for (ForeignGroup), or of undoing one.
  bool allow_during_stop = false;
};

struct ProcessResult {
  int exit_code = -1;     // exit status when it exited normally, else -1
  int signal = 0;         // terminating signal, if any
  bool timed_out = false; // killed because of the timeout
  bool stalled = false;   // killed because it was idle too long
  std::string ended;      // why end_if ended it, or empty
  std::chrono::milliseconds elapsed{0};

  bool ok() const noexcept { return exit_code == 0 && !timed_out && !stalled && ended.empty(); }
  std::string describe() const; // "exit 2", "killed by signal 9", "timed out after 20m00s", "ended: ..."
};

// Runs one command to completion. Never throws for the command's failure;
// throws wave::Error only when the process cannot be started at all. While
// it runs, its process group is registered (see kill_process_groups); when
// its leader exits, what is left of the group is killed before the leader is
// reaped, so the group id cannot have been reused by then.
ProcessResult run_process(const ProcessOptions& options);

// Starts `options.argv` (or `options.command`) detached: a session of its
// own, stdin and output on /dev/null, no descriptor of ours but 0-2 (a lock
// we hold is not held by it), not waited for and not killed with our
// groups. For work that may outlive the command (deleting folders moved
// aside); throws wave::Error only when it cannot be started.
void spawn_detached(const ProcessOptions& options);

// Sends `sig` to every process group run_process() is running now, from any
// thread (for the command's own SIGINT/SIGTERM handling).
void kill_process_groups(int sig);

// A process group this process does not fork (a tmux pane's): `start`
// starts it and returns its id (0 when it did not start), which is then
// registered, so that kill_process_groups() reaches it too, until
// destroyed. A signal's sweep waits for a start under way (up to 5 s), so
// no group starts unseen by a stop; `start` may still run processes
// (allow_during_stop) to learn the group's id. Throws wave::Error, starting
// nothing, once a stop was requested.
class ForeignGroup {
public:
  explicit ForeignGroup(const std::function<int()>& start);
  ~ForeignGroup();
  ForeignGroup(const ForeignGroup&) = delete;
  ForeignGroup& operator=(const ForeignGroup&) = delete;

  int pgid() const noexcept { return m_pgid; }

private:
  int m_pgid = 0;
};

// The command is being stopped (by a signal): from now on run_process()
// starts nothing (it throws wave::Error), and what ended meanwhile ended
// because of the stop, not by itself.
void request_stop() noexcept;
bool stop_requested() noexcept;

// The last `lines` lines of a log file (for showing a failing step's tail).
std::string tail_lines(const std::filesystem::path& file, std::size_t lines);

} // namespace wave::util
