#include "runner/runner.hpp"

#include "flow/preset_files.hpp"
#include "plan/preset.hpp"

#include "runner/attempt.hpp"
#include "runner/tmux.hpp"

#include "core/error.hpp"
#include "flow/merge.hpp"
#include "gate/gate.hpp"
#include "gate/steps.hpp"
#include "gate/wave_gate.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "git/worktree.hpp"
#include "plan/parse.hpp"
#include "plan/preset.hpp"
#include "run/brief.hpp"
#include "run/budget.hpp"
#include "run/decisions.hpp"
#include "run/store.hpp"
#include "run/usage_log.hpp"
#include "run/wave_id.hpp"
#include "util/duration.hpp"
#include "util/file.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>

namespace wave::flow {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

plan::Plan recorded_plan(const run::Stored& stored) {
  auto parsed =
      plan::parse(stored.plan_text, fmt::format("wave.toml (recorded for run {})", stored.state.run));
  if (!parsed.plan) {
    throw Error(fmt::format("the plan recorded for run '{}' is not valid", stored.state.run));
  }
  return std::move(*parsed.plan);
}

std::string tail_of(const fs::path& log, std::size_t lines) {
  return std::string(util::trim(util::tail_lines(log, lines)));
}

// When `file` was last written (the exit status an attempt wrote as it
// ended), or now when it cannot be told.
std::string written_at(const fs::path& file) {
  std::error_code ec;
  const auto t = fs::last_write_time(file, ec);
  if (ec) {
    return run::now_text();
  }
  return run::format_time(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(std::chrono::file_clock::to_sys(t)));
}

// An event of this wave (the driver fills in the time and the wave).
Event event(std::string type, std::string agent, int attempt, std::string detail, std::string log, bool ok) {
  Event e;
  e.type = std::move(type);
  e.agent = std::move(agent);
  e.attempt = attempt;
  e.detail = std::move(detail);
  e.log = std::move(log);
  e.ok = ok;
  return e;
}

class Driver {
public:
  Driver(git_repository* repo, const std::string& run, const RunOptions& options, const RunHooks& hooks)
      : m_repo(repo), m_run(run), m_options(options), m_hooks(hooks) {}

  RunResult drive() {
    resume();
    while (true) {
      auto stored = run::load(m_repo, m_run);
      const run::WaveRun* w = stored ? stored->state.current() : nullptr;
      if (w == nullptr || w->status == run::WaveStatus::merged) {
        if (!m_hooks.start_next()) {
          emit(event("done", "", 0, "every wave is merged", "", true));
          return {RunEnd::done, {}, {}};
        }
        continue;
      }
      m_plan = recorded_plan(*stored);
      m_id = run::WaveId::of(stored->state, *w);
      if (!setup_ok(*w)) {
        if (m_tried_setup) {
          return blocked(fmt::format("the setup of wave {} failed", w->label),
                         {"see the setup logs ('git wave status' names them), fix the cause, then run "
                          "'git wave run' again"});
        }
        m_tried_setup = true;
        m_hooks.start_next(); // completes the wave's start, retrying failed setups
        continue;
      }
      if (auto result = run_agents(); result) {
        return *result;
      }
      if (!m_options.agent.empty()) {
        return {RunEnd::stopped, {}, {}};
      }
      if (auto result = gate_and_merge(); result) {
        return *result;
      }
    }
  }

private:
  // The run goes on: a pause a blocked run left open ends now.
  void resume() {
    auto stored = run::load(m_repo, m_run);
    run::WaveRun* w = stored ? stored->state.current() : nullptr;
    if (w == nullptr || w->pauses.empty() || !w->pauses.back().until.empty()) {
      return;
    }
    const run::WaveId id = run::WaveId::of(stored->state, *w);
    run::update(m_repo, m_run, fmt::format("run wave {}: resumed", id.label), [&](run::State& state) {
      run::WaveRun* wave = id.find(state);
      if (wave == nullptr || wave->pauses.empty() || !wave->pauses.back().until.empty()) {
        return false;
      }
      wave->pauses.back().until = run::now_text();
      return true;
    });
  }

  void emit(Event e) {
    if (e.at.empty()) {
      e.at = run::now_text();
    }
    if (e.wave.empty()) {
      e.wave = m_id.label;
    }
    if (m_hooks.emit) {
      m_hooks.emit(e);
    }
  }

  RunResult blocked(std::string what, std::vector<std::string> next) {
    if (auto stored = run::load(m_repo, m_run); stored && m_id.find(stored->state) != nullptr) {
      change_wave(fmt::format("run wave {}: blocked", m_id.label), [&](run::WaveRun& w) {
        run::Pause p;
        p.at = run::now_text();
        p.why = what.substr(0, what.find('\n'));
        w.pauses.push_back(std::move(p));
      });
    }
    emit(event("blocked", "", 0, what, "", false));
    return {RunEnd::blocked, std::move(what), std::move(next)};
  }

  static bool setup_ok(const run::WaveRun& w) {
    for (const auto& a : w.agents) {
      if (a.setup != run::Setup::ok) {
        return false;
      }
    }
    return true;
  }

  run::WaveRun wave_now() {
    auto stored = run::load(m_repo, m_run);
    const run::WaveRun* w = stored ? m_id.find(stored->state) : nullptr;
    if (w == nullptr) {
      throw Error(fmt::format("wave {} of run '{}' disappeared from the run state", m_id.label, m_run));
    }
    return *w;
  }

  void change_wave(const std::string& message, const std::function<void(run::WaveRun&)>& change) {
    run::update(m_repo, m_run, message, [&](run::State& state) {
      run::WaveRun* w = m_id.find(state);
      if (w == nullptr) {
        throw Error(fmt::format("wave {} of run '{}' disappeared from the run state", m_id.label, m_run));
      }
      change(*w);
      return true;
    });
  }

  static const run::Attempt* latest(const run::WaveRun& w, const std::string& agent) {
    const run::Attempt* out = nullptr;
    for (const auto& a : w.attempts) {
      if (a.agent == agent) {
        out = &a;
      }
    }
    return out;
  }

  fs::path attempt_base(const run::WaveRun& w, const std::string& agent, int number) const {
    return run::logs_dir(m_repo, m_run) / w.label / fmt::format("{}-attempt-{}", agent, number);
  }

  // What proving attempt `number` of `record` needs; its result is the caller's.
  ProofInput proof_input(const run::WaveRun& w, const run::AgentRun& record, int number) {
    ProofInput in;
    in.repo = m_repo;
    in.run = m_run;
    in.plan = &m_plan;
    in.id = m_id;
    in.record = &record;
    in.gate_log_base = attempt_base(w, record.name, number);
    in.emit = [this](Event e) { emit(std::move(e)); };
    return in;
  }

  // `exited_at`: when its process ended, before the proof (which may take
  // the time of its own gate), so that its recorded time is the agent's;
  // `started_at`, when known, when its process started (its launch was
  // recorded before its brief was written).
  void finish_attempt(const run::WaveRun& w, const run::AgentRun& record, int number,
                      const util::ProcessResult& r, const std::string& exited_at,
                      const std::string& started_at = {}, const std::string& launch_error = {}) {
    ProofInput in = proof_input(w, record, number);
    in.result = r;
    const Verdict v =
        launch_error.empty()
            ? prove(in)
            : Verdict{run::AttemptEnd::failed, fmt::format("it could not be launched: {}", launch_error), {}};
    const std::string tip = tip_of(record);
    const fs::path log = attempt_base(w, record.name, number).string() + ".log";
    const auto usage = run::attempt_usage(log);
    change_wave(fmt::format("run wave {}: {} attempt {} {}", w.label, record.name, number, to_string(v.end)),
                [&](run::WaveRun& wave) {
                  for (auto& a : wave.attempts) {
                    if (a.agent == record.name && a.number == number) {
                      a.tip = tip;
                      a.usage = usage;
                      a.exited_at = exited_at;
                      if (!started_at.empty()) {
                        a.launched_at = started_at;
                      }
                      a.end = v.end;
                      a.exit_code = r.exit_code;
                      a.detail = v.detail;
                    }
                  }
                });
    const std::string line = v.headline.empty() ? v.detail.substr(0, v.detail.find('\n')) : v.headline;
    Event e = event("exited", record.name, number,
                    fmt::format("{}: {}{}", to_string(v.end), line,
                                usage ? " (" + run::describe(*usage) + ")" : std::string()),
                    log.string(), v.end == run::AttemptEnd::done);
    e.usage = usage;
    emit(std::move(e));
  }

  // The tip of `record`'s branch, 40-hex, or empty when it is gone.
  std::string tip_of(const run::AgentRun& record) const {
    const auto tip = git::resolve_commit(m_repo, "refs/heads/" + record.branch);
    return tip ? git::oid_str(*tip) : std::string();
  }

  // Attempts a killed run left as running: wait while their agent still
  // holds the agent lock, then end them from the exit status they wrote.
  void settle_orphans(const run::WaveRun& w) {
    for (const auto& a : w.attempts) {
      if (a.end != run::AttemptEnd::running) {
        continue;
      }
      const run::AgentRun* record = w.find(a.agent);
      if (record == nullptr) {
        continue;
      }
      const fs::path lock = agent_lock_path(m_repo, m_run, a.agent);
      int fd = take_agent_lock(lock);
      if (fd < 0) {
        emit(event("waiting", a.agent, a.number,
                   "an attempt a killed 'git wave run' launched is still running; waiting for it to end",
                   a.log, true));
        while ((fd = take_agent_lock(lock)) < 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
      }
      ::close(fd);
      const auto code = util::read_file(a.log + ".exit");
      if (code && !util::trim(*code).empty()) {
        util::ProcessResult r;
        r.exit_code = std::atoi(std::string(util::trim(*code)).c_str());
        finish_attempt(w, *record, a.number, r, written_at(a.log + ".exit"));
      } else {
        change_wave(fmt::format("run wave {}: {} attempt {} interrupted", w.label, a.agent, a.number),
                    [&](run::WaveRun& wave) {
                      for (auto& x : wave.attempts) {
                        if (x.agent == a.agent && x.number == a.number) {
                          x.end = run::AttemptEnd::interrupted;
                          x.exited_at = run::now_text();
                          x.detail = "git wave run was stopped while it ran";
                        }
                      }
                    });
      }
    }
  }

  // --- launching ---------------------------------------------------------

  struct Slot {
    std::string agent;
    int number = 0;
    int lock_fd = -1;
    std::atomic<bool> cancel{false}; // a tmux attempt: kill it and return
    std::thread thread;
    util::ProcessResult result;
    std::string error;
    std::string started_at;
    std::string exited_at;
  };

  // The shell command that copies its input into `log`, capped.
  std::string log_relay(const fs::path& log) const {
    return fmt::format("{} --log-relay {} {}", git::shell_quote(m_options.self.string()),
                       m_plan.runner.log_cap, git::shell_quote(log.string()));
  }

  // The agent's launch: its plan's command or preset (plan/preset.hpp).
  std::string launch_command(const std::string& agent) const {
    return plan::agent_launch(m_plan, agent, m_options.self).command;
  }

  // Records the attempt, writes its brief, starts it on a thread.
  std::unique_ptr<Slot> launch(const run::WaveRun& w, const run::AgentRun& record, int number,
                               std::mutex& mutex, std::condition_variable& cv, std::deque<Slot*>& finished) {
    auto slot = std::make_unique<Slot>();
    slot->agent = record.name;
    slot->number = number;
    const fs::path base = attempt_base(w, record.name, number);
    const fs::path log = base.string() + ".log";
    const fs::path brief = base.string() + ".brief.md";
    const fs::path exit_file = log.string() + ".exit";
    std::error_code ec;
    fs::create_directories(base.parent_path(), ec);
    fs::remove(log, ec);
    fs::remove(exit_file, ec);

    slot->lock_fd = take_agent_lock(agent_lock_path(m_repo, m_run, record.name));
    if (slot->lock_fd < 0) {
      throw Error(fmt::format("agent '{}' is still running an earlier attempt", record.name),
                  exit_code::fatal, {"wait for it to end, then run 'git wave run' again"});
    }
    change_wave(fmt::format("run wave {}: launch {} attempt {}", w.label, record.name, number),
                [&](run::WaveRun& wave) {
                  run::Attempt a;
                  a.agent = record.name;
                  a.number = number;
                  a.launched_at = run::now_text();
                  a.log = log.string();
                  wave.attempts.push_back(std::move(a));
                });

    std::string text;
    try {
      text = run::run_brief(m_repo, m_run, record.name);
    } catch (const Error& e) {
      throw Error(fmt::format("cannot write the brief of '{}': {}", record.name, e.what()));
    }
    fs::remove(brief, ec);
    if (!util::write_new_file(brief, text)) {
      throw Error(fmt::format("cannot write '{}'", brief.string()));
    }

    install_preset_files(m_repo, record.worktree, plan::agent_launch(m_plan, record.name, m_options.self));
    const std::vector<std::pair<std::string, std::string>> env = {
        {"GIT_WAVE_RUN", m_run},
        {"GIT_WAVE_AGENT", record.name},
        {"GIT_WAVE_WAVE", w.label},
        {"GIT_WAVE_BRIEF", brief.string()},
        {"GIT_WAVE_ATTEMPT", std::to_string(number)},
        {"GIT_WAVE_LAUNCH", launch_command(record.name)},
        {"GIT_WAVE_EXIT_FILE", exit_file.string()}};
    const fs::path worktree = record.worktree;
    // Silent for the idle timeout: when did it last change its worktree
    // after the last change seen (at first, its launch: the checkout is not
    // its work)? How long ago, so the stall counts from that act.
    auto seen = std::make_shared<fs::file_time_type>(fs::file_time_type::clock::now());
    auto active = [worktree, seen]() -> std::optional<std::chrono::milliseconds> {
      const auto now = fs::file_time_type::clock::now();
      const auto changed = last_change(worktree, *seen);
      if (!changed) {
        return std::nullopt;
      }
      *seen = std::min(*changed, now); // a time set in the future hides nothing later
      return std::chrono::duration_cast<std::chrono::milliseconds>(now - *seen);
    };
    emit(event("launched", record.name, number, launch_command(record.name), log.string(), true));
    // Past a budget of cost or turns, with what it spent so far, it is
    // ended (the run's other attempts counted as the state had them now).
    std::function<std::optional<std::string>()> end_if;
    if (run::watches_usage(m_plan, record.name)) {
      auto reader = std::make_shared<run::LogUsage>(log);
      auto plan = std::make_shared<const plan::Plan>(m_plan);
      const auto stored = run::load(m_repo, m_run);
      auto state = std::make_shared<const run::State>(stored ? stored->state : run::State{});
      end_if = [this, reader, plan, state, agent = record.name, number, log]() -> std::optional<std::string> {
        const auto used = reader->read();
        if (!used) {
          return std::nullopt;
        }
        auto why = run::budget_passed(*plan, *state, agent, *used);
        if (why) {
          Event e =
              event("budget", agent, number, fmt::format("attempt ended: {}", *why), log.string(), false);
          e.usage = used;
          emit(std::move(e));
        }
        return why;
      };
    }
    // A lead hears of a quiet agent before the idle timeout ends it.
    const auto quiet_after = m_plan.runner.idle_timeout / 2;
    auto on_quiet = [this, agent = record.name, number, log](std::chrono::milliseconds quiet) {
      emit(event("output-idle", agent, number, fmt::format("no output for {}", util::format_duration(quiet)),
                 log.string(), true));
    };
    Slot* raw = slot.get();
    std::function<util::ProcessResult()> body;
    if (m_options.tmux) {
      // The window takes the agent lock itself (flock(1)); holding it here
      // too would keep the attempt from starting.
      ::close(slot->lock_fd);
      slot->lock_fd = -1;
      TmuxAttempt t;
      t.session = tmux_session(m_run);
      t.window = record.name;
      t.cwd = record.worktree;
      t.env = env;
      t.unset = git::outer_git_variables();
      t.log = log;
      t.lock = agent_lock_path(m_repo, m_run, record.name);
      t.exit_file = exit_file;
      if (m_plan.runner.log_cap > 0) {
        t.log_pipe = log_relay(log);
      }
      t.timeout = m_plan.runner.timeout;
      t.idle_timeout = m_plan.runner.idle_timeout;
      t.active = active;
      t.quiet_after = quiet_after;
      t.on_quiet = on_quiet;
      t.end_if = end_if;
      t.cancel = &raw->cancel;
      body = [t] { return run_in_tmux(t); };
    } else {
      util::ProcessOptions o;
      o.command = "(eval \"$GIT_WAVE_LAUNCH\"); s=$?; echo $s > \"$GIT_WAVE_EXIT_FILE\"; exit $s";
      if (m_plan.runner.log_cap > 0) {
        // Through the capping relay (cmd/log_relay.cpp), in the agent's
        // group: it outlives a killed run with the agent.
        o.command =
            fmt::format("{{ (eval \"$GIT_WAVE_LAUNCH\") 2>&1; echo $? >\"$GIT_WAVE_EXIT_FILE\"; }} | {}; "
                        "s=$(cat \"$GIT_WAVE_EXIT_FILE\" 2>/dev/null); exit \"${{s:-1}}\"",
                        log_relay(log));
      }
      o.cwd = record.worktree;
      o.log = log;
      o.direct_log = true; // an agent outlives a killed run: it must not die writing to it
      o.stdin_file = brief;
      o.inherit_fd = slot->lock_fd;
      o.unset = git::outer_git_variables();
      o.timeout = m_plan.runner.timeout;
      o.idle_timeout = m_plan.runner.idle_timeout;
      o.env = env;
      o.active = active;
      o.quiet_after = quiet_after;
      o.on_quiet = on_quiet;
      o.end_if = end_if;
      body = [o] { return util::run_process(o); };
    }
    slot->thread = std::thread([raw, body, &mutex, &cv, &finished] {
      raw->started_at = run::now_text();
      try {
        raw->result = body();
      } catch (const std::exception& e) {
        raw->error = e.what();
        raw->result.exit_code = 127;
      }
      raw->exited_at = run::now_text();
      const std::lock_guard lock(mutex);
      finished.push_back(raw);
      cv.notify_all();
    });
    return slot;
  }

  // Is `agent` to be launched: not done, not accepted as it is, and not
  // found done as a person left it (adopted: recorded as an attempt that
  // launched nothing)?
  bool needs_launch(const std::string& agent) {
    auto stored = run::load(m_repo, m_run);
    const run::WaveRun* w = stored ? m_id.find(stored->state) : nullptr;
    if (w == nullptr) {
      throw Error(fmt::format("wave {} of run '{}' disappeared from the run state", m_id.label, m_run));
    }
    const run::AgentRun* record = w->find(agent);
    const auto standing = run::standing_of(stored->state, *w, agent);
    const std::string tip = tip_of(*record);
    switch (standing.standing) {
    case run::Standing::done:
      return false;
    case run::Standing::relaunch:
      return true;
    case run::Standing::accepted:
      if (!tip.empty() && tip == standing.action->tip) {
        if (m_told_accepted.insert(agent).second) {
          emit(event("accepted", agent, 0,
                     fmt::format("accepted as it is at {}{}", standing.action->tip.substr(0, 7),
                                 standing.action->by.empty() ? std::string() : " by " + standing.action->by),
                     "", true));
        }
        return false;
      }
      emit(event("accepted", agent, 0,
                 fmt::format("its branch moved since it was accepted at {}: it is proven again",
                             standing.action->tip.substr(0, 7)),
                 "", false));
      break;
    case run::Standing::open:
      break;
    }
    // Only a branch a person moved can be adopted: since the last attempt
    // ended (or, before any, from its base). Work a gate blamed, as it was,
    // and what a dead attempt left uncommitted are relaunched.
    const std::string since =
        standing.last != nullptr ? standing.last->tip : (record->base.empty() ? w->base : record->base);
    const bool moved = !tip.empty() && !since.empty() && tip != since;
    if (!moved) {
      return true;
    }
    return !adopt(*w, *record);
  }

  // Proves `record`'s work as it is, without a launch; records it as an
  // adopted attempt when it passes.
  bool adopt(const run::WaveRun& w, const run::AgentRun& record) {
    int number = 1;
    for (const auto& a : w.attempts) {
      if (a.agent == record.name) {
        number = std::max(number, a.number + 1);
      }
    }
    ProofInput in = proof_input(w, record, number);
    in.result.exit_code = 0;
    in.adopting = true;
    const std::string at = run::now_text();
    const Verdict v = prove(in);
    if (v.end != run::AttemptEnd::done) {
      return false;
    }
    change_wave(fmt::format("run wave {}: {} adopted as attempt {}", w.label, record.name, number),
                [&](run::WaveRun& wave) {
                  run::Attempt a;
                  a.agent = record.name;
                  a.number = number;
                  a.launched_at = at;
                  a.exited_at = run::now_text();
                  a.end = run::AttemptEnd::done;
                  a.exit_code = 0;
                  a.adopted = true;
                  a.tip = tip_of(record);
                  a.detail = "found done as it was left: " + v.detail;
                  wave.attempts.push_back(std::move(a));
                });
    emit(event("adopted", record.name, number,
               "its branch already passes the proof of done: taken without a launch", "", true));
    return true;
  }

  // Launches every agent of the wave not yet proven done, at most
  // max_parallel at a time, `stagger` apart; relaunches failures while
  // retries last. Returns a result when the run must stop here.
  std::optional<RunResult> run_agents() {
    settle_orphans(wave_now());
    const int allowed = 1 + m_plan.runner.retries;
    std::deque<std::string> queue;
    {
      const run::WaveRun w = wave_now();
      if (!m_options.agent.empty() && w.find(m_options.agent) == nullptr) {
        throw Error(fmt::format("'{}' is not an agent of wave {}", m_options.agent, w.label),
                    exit_code::usage);
      }
      for (const auto& a : w.agents) {
        if (!m_options.agent.empty() && a.name != m_options.agent) {
          continue;
        }
        if (needs_launch(a.name)) {
          queue.push_back(a.name);
        }
      }
    }
    if (queue.empty()) {
      return std::nullopt;
    }
    if (m_plan.runner.launch.empty() && m_plan.runner.agent.empty()) {
      for (const auto& name : queue) {
        if (launch_command(name).empty()) {
          return blocked(
              fmt::format("the plan says not how to launch agent '{}'", name),
              {"set agent = \"claude-code\" (or codex, gemini, aider) or launch = \"...\" in [run] of wave.toml "
               "(or on the agent); commit it, then 'git wave amend' lets this run take it",
               "or launch the agents yourself, then 'git wave gate'"});
        }
      }
    }
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<Slot*> finished;
    std::map<std::string, std::unique_ptr<Slot>> running;
    std::vector<std::string> exhausted;
    std::vector<std::string> over_budget;
    const auto cap = static_cast<std::size_t>(std::max(1, m_plan.max_parallel));
    std::optional<Clock::time_point> last_launch;
    try {
      while (!queue.empty() || !running.empty()) {
        // Launch what the cap and the stagger allow.
        while (!queue.empty() && running.size() < cap) {
          const auto now = Clock::now();
          if (last_launch && m_plan.runner.stagger.count() > 0 &&
              now < *last_launch + m_plan.runner.stagger) {
            break;
          }
          const std::string name = queue.front();
          queue.pop_front();
          if (const auto stored = run::load(m_repo, m_run)) {
            if (auto spent = run::budget_spent(m_plan, stored->state, name)) {
              emit(event("budget", name, 0, fmt::format("not launched: {}", *spent), "", false));
              over_budget.push_back(std::move(*spent));
              continue;
            }
          }
          const run::WaveRun w = wave_now();
          const run::AgentRun* record = w.find(name);
          int number = 1;
          for (const auto& a : w.attempts) {
            if (a.agent == name) {
              number = std::max(number, a.number + 1);
            }
          }
          ++m_launched[name];
          running[name] = launch(w, *record, number, mutex, cv, finished);
          last_launch = Clock::now();
        }
        if (queue.empty() && running.empty()) {
          break; // the last ones were refused by a budget
        }
        Slot* done = nullptr;
        {
          std::unique_lock lock(mutex);
          auto ready = [&] { return !finished.empty(); };
          if (!queue.empty() && running.size() < cap && last_launch) {
            cv.wait_until(lock, *last_launch + m_plan.runner.stagger, ready);
          } else {
            cv.wait(lock, ready);
          }
          if (finished.empty()) {
            continue;
          }
          done = finished.front();
          finished.pop_front();
        }
        done->thread.join();
        if (done->lock_fd >= 0) {
          ::close(done->lock_fd);
          done->lock_fd = -1;
        }
        if (util::stop_requested()) {
          // It ended because this run is being stopped: the next run ends
          // the attempt as interrupted.
          throw Error("interrupted");
        }
        const std::string name = done->agent;
        const int number = done->number;
        util::ProcessResult result = done->result;
        const std::string error = done->error;
        const std::string exited_at = done->exited_at;
        const std::string started_at = done->started_at;
        running.erase(name);
        const run::WaveRun w = wave_now();
        const run::AgentRun* record = w.find(name);
        finish_attempt(w, *record, number, result, exited_at, started_at, error);
        const run::WaveRun after = wave_now();
        const run::Attempt* last = latest(after, name);
        if (last != nullptr && last->end != run::AttemptEnd::done) {
          auto spent = run::budget_spent(m_plan, run::load(m_repo, m_run)->state, name);
          if (spent) {
            emit(event("budget", name, 0, fmt::format("not launched again: {}", *spent), "", false));
            over_budget.push_back(std::move(*spent));
          } else if (m_launched[name] < allowed) {
            emit(event("retried", name, number + 1,
                       fmt::format("attempt {} ended: {}", number, to_string(last->end)), "", false));
            queue.push_back(name);
          } else {
            exhausted.push_back(name);
          }
        }
      }
    } catch (...) {
      // Whatever runs goes down with this run (its attempts are recorded as
      // running: the next run ends them).
      util::kill_process_groups(SIGKILL);
      for (auto& [name, slot] : running) {
        slot->cancel = true;
      }
      for (auto& [name, slot] : running) {
        if (slot->thread.joinable()) {
          slot->thread.join();
        }
        if (slot->lock_fd >= 0) {
          ::close(slot->lock_fd);
        }
      }
      throw;
    }
    if (!over_budget.empty()) {
      return blocked(
          fmt::format("not launched: {}", util::join(over_budget, "; ")),
          {"raise the budget (budget_usd, budget_turns, budget_attempts) in wave.toml and commit it: 'git "
           "wave amend' lets this run take it",
           "or finish the agents' work by hand, then 'git wave gate'"});
    }
    if (!exhausted.empty()) {
      const run::WaveRun w = wave_now();
      std::vector<std::string> logs;
      for (const auto& name : exhausted) {
        if (const run::Attempt* a = latest(w, name)) {
          logs.push_back(fmt::format("'{}': {} ({})", name, to_string(a->end), a->log));
        }
      }
      return blocked(fmt::format("{} of wave {} failed {} attempt{}: {}",
                                 exhausted.size() == 1 ? "an agent" : "agents", w.label, allowed,
                                 allowed == 1 ? "" : "s", util::join(logs, "; ")),
                     {"read the logs ('git wave logs <agent>'), then fix the task, the plan or the agent's "
                      "work in its worktree",
                      "'git wave run' again gives each failed agent new attempts, as continuations"});
    }
    return std::nullopt;
  }

  // --- the wave's gate and merge -----------------------------------------

  std::optional<RunResult> gate_and_merge() {
    const run::WaveRun w = wave_now();
    auto stored = run::load(m_repo, m_run);
    gate::WaveGate wave_gate(m_repo, m_plan, stored->state, *m_id.find(stored->state));
    gate::GateInput& in = wave_gate.input();
    in.command = "git wave run";
    if (m_options.bisect_runs) {
      in.bisect_runs = m_options.bisect_runs;
    }
    // Every agent's work was committed when it was proven done, and its
    // process has exited since: reading each worktree again would only cost
    // (a full scan per agent on a big repository).
    in.lead_commits = false;
    class Relay : public gate::Reporter {
    public:
      explicit Relay(Driver& d) : m_d(d) {}
      void step_started(const gate::Step&) override {}
      void step_finished(const gate::Step& step, const gate::StepResult& result) override {
        const std::lock_guard lock(m_mutex);
        m_d.emit(event(
            "gate-step", step.agent, 0,
            // A checkout (the gate's, a bisection's) is named by its step, not
            // by the git command line it ran.
            fmt::format("{}{}: {}", step.name,
                        step.command.empty() || step.name == "checkout" || step.name.ends_with(" checkout")
                            ? std::string()
                            : fmt::format(" '{}'", step.command),
                        result.detail.empty() ? std::string(gate::to_string(result.status)) : result.detail),
            step.log.string(), result.status == gate::StepStatus::pass));
      }
      void note(std::string_view) override {}
      void waiting(std::string_view text) override {
        const std::lock_guard lock(m_mutex);
        m_d.emit(event("waiting", "", 0, std::string(text), "", true));
      }

    private:
      Driver& m_d;
      std::mutex m_mutex;
    } relay(*this);
    const gate::GateReport report = wave_gate.run(relay);
    if (m_hooks.publish) {
      m_hooks.publish();
    }
    emit(event("gated", "", 0, report.pass ? "pass" : report.summary, in.log_dir.string(), report.pass));
    if (report.pass) {
      if (m_options.no_merge) {
        return RunResult{RunEnd::stopped, {}, {}};
      }
      const auto out = merge_wave(m_repo, m_run, m_id, MergeOptions{false, m_hooks.land});
      if (m_hooks.publish) {
        m_hooks.publish();
      }
      emit(event("merged", "", 0, fmt::format("{}..{}", git::short_oid(out.from), git::short_oid(out.to)), "",
                 true));
      if (m_options.one_wave) {
        return RunResult{RunEnd::stopped, {}, {}};
      }
      m_tried_setup = false;
      return std::nullopt;
    }
    if (report.culprits.empty()) {
      return blocked(
          fmt::format("the gate of wave {} failed and names no agent: {}", w.label, report.summary),
          {fmt::format("see its logs in '{}'", in.log_dir.string()),
           "the integration tip itself may fail the gate, or the agents fail only together: fix "
           "it, or throw the wave away with 'git wave abort'"});
    }
    // A person accepted it as it is: only a person can say what now.
    {
      auto now = run::load(m_repo, m_run);
      const run::WaveRun* cur = now ? m_id.find(now->state) : nullptr;
      for (const auto& culprit : report.culprits) {
        if (cur != nullptr &&
            run::standing_of(now->state, *cur, culprit).standing == run::Standing::accepted) {
          return blocked(
              fmt::format("the gate of wave {} failed with the work of '{}', which was accepted as it is",
                          w.label, culprit),
              {fmt::format("see the gate's logs in '{}'", in.log_dir.string()),
               fmt::format("fix its branch by hand, 'git wave relaunch {}', or 'git wave skip {}'; then 'git "
                           "wave run' again",
                           culprit, culprit)});
        }
      }
    }
    // The culprits go again, with the end of the failing gate's log.
    std::string log_tail;
    for (const auto& s : report.steps) {
      if (s.result.status != gate::StepStatus::pass && s.result.status != gate::StepStatus::skipped) {
        log_tail = fmt::format("the wave's gate '{}' failed with your work ({}); the end of its log:\n{}",
                               s.step.command, s.result.detail, tail_of(s.step.log, 30));
      }
    }
    change_wave(fmt::format("run wave {}: culprits {}", w.label, util::join(report.culprits, ", ")),
                [&](run::WaveRun& wave) {
                  for (const auto& culprit : report.culprits) {
                    run::Attempt* last = nullptr;
                    for (auto& a : wave.attempts) {
                      if (a.agent == culprit) {
                        last = &a;
                      }
                    }
                    if (last != nullptr) {
                      last->end = run::AttemptEnd::culprit;
                      last->detail = log_tail;
                    }
                  }
                });
    for (const auto& culprit : report.culprits) {
      if (m_launched[culprit] >= 1 + m_plan.runner.retries) {
        return blocked(
            fmt::format("the gate of wave {} failed with the work of '{}', and its attempts are spent",
                        w.label, culprit),
            {fmt::format("see the gate's logs in '{}'", in.log_dir.string()),
             "'git wave run' again relaunches it with the gate's log in its brief"});
      }
    }
    return std::nullopt;
  }

  git_repository* m_repo;
  std::string m_run;
  const RunOptions& m_options;
  const RunHooks& m_hooks;
  plan::Plan m_plan;
  run::WaveId m_id;
  bool m_tried_setup = false;
  std::map<std::string, int> m_launched; // attempts this run launched, per agent
  std::set<std::string> m_told_accepted; // agents whose acceptance was told
};

} // namespace

RunResult drive(git_repository* repo, const std::string& run, const RunOptions& options,
                const RunHooks& hooks) {
  return Driver(repo, run, options, hooks).drive();
}

fs::path latest_log(const run::State& state, const std::string& agent) {
  fs::path out;
  for (const auto& w : state.waves) {
    for (const auto& a : w.attempts) {
      if (a.agent == agent) {
        out = a.log;
      }
    }
  }
  return out;
}

} // namespace wave::flow
