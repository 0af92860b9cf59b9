#include "runner/attempt.hpp"

#include "core/error.hpp"
#include "gate/audit.hpp"
#include "gate/gate.hpp"
#include "gate/gate_lock.hpp"
#include "gate/steps.hpp"
#include "git/check.hpp"
#include "git/cli.hpp"
#include "git/repo.hpp"
#include "plan/ownership.hpp"
#include "run/store.hpp"
#include "util/duration.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wave::flow {

namespace fs = std::filesystem;

fs::path agent_lock_path(git_repository* repo, const std::string& run, const std::string& agent) {
  return git::common_dir(repo) / "wave" / run / "agents" / (agent + ".lock");
}

int take_agent_lock(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw Error(fmt::format("cannot open '{}': {}", path.string(), std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::optional<fs::file_time_type> last_change(const fs::path& worktree, fs::file_time_type since) {
  std::optional<fs::file_time_type> latest;
  const auto consider = [&](fs::file_time_type t) {
    if (t > since && (!latest || t > *latest)) {
      latest = t;
    }
  };
  const auto stamp = [&](const fs::path& p) {
    std::error_code e;
    const auto t = fs::last_write_time(p, e);
    if (!e) {
      consider(t);
    }
  };
  // The worktree's own git dir, named by its .git file ("gitdir: <path>").
  fs::path git_dir = worktree / ".git";
  if (const auto text = util::read_file(worktree / ".git"); text && text->rfind("gitdir: ", 0) == 0) {
    git_dir = fs::path(std::string(util::trim(text->substr(8))));
    if (git_dir.is_relative()) {
      git_dir = worktree / git_dir;
    }
  }
  for (const char* name : {"HEAD", "index", "logs/HEAD"}) {
    stamp(git_dir / name);
  }
  stamp(worktree);
  std::error_code ec;
  fs::recursive_directory_iterator it(worktree, fs::directory_options::skip_permission_denied, ec);
  for (const fs::recursive_directory_iterator end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename() == ".git") {
      if (it->is_directory(ec)) {
        it.disable_recursion_pending();
      }
      continue;
    }
    std::error_code e;
    const auto st = it->symlink_status(e);
    if (e || fs::is_symlink(st)) {
      continue;
    }
    const auto t = it->last_write_time(e);
    if (!e) {
      consider(t);
    }
  }
  return latest;
}

bool changed_since(const fs::path& worktree, fs::file_time_type since) {
  return last_change(worktree, since).has_value();
}

namespace {

std::string describe_all(const std::vector<gate::Finding>& findings) {
  std::vector<std::string> lines;
  for (const auto& f : findings) {
    lines.push_back(f.describe());
  }
  return util::join(lines, "\n");
}

// "a/x.txt (owned by b)", or "a/x.txt (owned by b) and 2 more": the first
// finding, for a line that must end on what it announces.
std::string first_of(const std::vector<gate::Finding>& findings) {
  std::string out = findings.front().describe();
  out = out.substr(0, out.find('\n'));
  if (findings.size() > 1) {
    out += fmt::format(" and {} more", findings.size() - 1);
  }
  return out;
}

// The last line of `text` with something on it, or empty.
std::string last_line(std::string_view text) {
  const std::string_view trimmed = util::trim(text);
  const auto nl = trimmed.rfind('\n');
  return std::string(util::trim(nl == std::string_view::npos ? trimmed : trimmed.substr(nl + 1)));
}

} // namespace

Verdict prove(const ProofInput& in) {
  const util::ProcessResult& r = in.result;
  const run::AgentRun& record = *in.record;
  // The end names itself ("stalled: killed after ..."): the detail does not
  // say it again.
  if (r.timed_out) {
    return {run::AttemptEnd::timeout,
            fmt::format("killed at its time limit, after {}", util::format_duration(r.elapsed)),
            {}};
  }
  if (r.stalled) {
    return {run::AttemptEnd::stalled,
            fmt::format("killed after {} without output or change", util::format_duration(r.elapsed)),
            {}};
  }
  if (!r.ended.empty()) {
    return {run::AttemptEnd::failed,
            fmt::format("ended by git wave run after {}: {}", util::format_duration(r.elapsed), r.ended),
            {}};
  }
  if (!r.ok()) {
    return {run::AttemptEnd::failed, fmt::format("the launch command ended with {}", r.describe()), {}};
  }
  const plan::Plan& plan = *in.plan;
  const auto index = plan.find(record.name);
  if (!index) {
    throw Error(fmt::format("agent '{}' is not in the run's recorded plan", record.name));
  }
  const plan::Agent& agent = plan.agents[*index];
  const plan::Ownership ownership(plan);
  auto stored = run::load(in.repo, in.run);
  const run::WaveRun* wave = stored ? in.id.find(stored->state) : nullptr;
  if (wave == nullptr) {
    throw Error(fmt::format("wave {} of run '{}' disappeared from the run state", in.id.label, in.run));
  }
  gate::GateInput gin = gate::gate_input(in.repo, plan, ownership, stored->state, *wave);
  gin.command = "git wave run";
  std::size_t at = 0;
  while (at < gin.agents.size() && gin.agents[at].name != record.name) {
    ++at;
  }
  const auto commits = gate::commit_agents(gin, {at});
  const gate::LeadCommit& lc = commits.front();
  if (!lc.refused.empty()) {
    return {
        run::AttemptEnd::foreign,
        fmt::format("it left changes to files it may not touch (not committed; undo them):\n{}",
                    describe_all(lc.refused)),
        fmt::format("it left changes to files it may not touch, not committed: {}", first_of(lc.refused))};
  }
  if (!lc.error.empty()) {
    return {run::AttemptEnd::failed, lc.error, {}};
  }
  if (lc.commit && in.emit) {
    Event e;
    e.type = "committed";
    e.agent = record.name;
    e.detail = fmt::format("{} file{} as {}", lc.files, lc.files == 1 ? "" : "s", git::short_oid(*lc.commit));
    in.emit(std::move(e));
  }
  const std::string branch = "refs/heads/" + record.branch;
  const auto tip = git::resolve_commit(in.repo, branch);
  const git_oid base = git::oid_from(record.base);
  if (!tip) {
    return {run::AttemptEnd::failed, fmt::format("its branch '{}' is gone", record.branch), {}};
  }
  const bool changed = git_oid_equal(&*tip, &base) == 0;
  if (!changed && (in.adopting || !plan::may_be_empty(plan, agent))) {
    return {run::AttemptEnd::unchanged,
            in.adopting ? "its branch has no change"
                        : "it exited 0 but changed nothing: the task is not done (if that can be right, set "
                          "allow_empty on the agent, or 'git wave accept' it)",
            {}};
  }
  if (changed && agent.read_only()) {
    return {run::AttemptEnd::foreign, "it is read-only, yet its branch has commits", {}};
  }
  const auto touched = gate::branch_paths(in.repo, *tip, base);
  auto findings = gate::audit(plan, ownership, *index, touched);
  gate::take_restored(in.repo, {base}, *tip, findings);
  if (!findings.empty()) {
    return {run::AttemptEnd::foreign,
            fmt::format(
                "its commits touch files it may not touch (commit them back to their content at the base, "
                "or 'git wave repair {}' drops them):\n{}",
                record.name, describe_all(findings)),
            fmt::format("its commits touch files it may not touch: {}", first_of(findings))};
  }
  class Quiet : public gate::Reporter {
  public:
    void step_started(const gate::Step&) override {}
    void step_finished(const gate::Step&, const gate::StepResult&) override {}
    void note(std::string_view) override {}
  } quiet;
  // One gate at a time in its worktree: a gate a killed run left there is
  // stopped first (gate/gate_lock.hpp).
  std::optional<gate::GateLock> lock;
  if (!agent.gate.empty()) {
    lock.emplace(gate::gate_lock_path(in.repo, in.run, record.name), record.worktree, gin.command,
                 [&](std::string_view text) {
                   if (in.emit) {
                     Event e;
                     e.type = "waiting";
                     e.agent = record.name;
                     e.detail = std::string(text);
                     in.emit(std::move(e));
                   }
                 });
  }
  for (std::size_t i = 0; i < agent.gate.size(); ++i) {
    const fs::path log = in.gate_log_base.string() + fmt::format(".gate-{}.log", i + 1);
    gate::Step step{"agent gate", record.name, agent.gate[i], record.worktree, log, {}, plan.gate.timeout};
    step.lock = &*lock;
    const auto result = gate::run_step(step, quiet);
    if (result.status != gate::StepStatus::pass) {
      const std::string tail(util::trim(util::tail_lines(log, 20)));
      const std::string last = last_line(tail);
      return {
          run::AttemptEnd::own_gate,
          fmt::format("its own gate '{}' failed ({}); the end of its log:\n{}", agent.gate[i], result.detail,
                      tail),
          last.empty()
              ? fmt::format("its own gate '{}' failed ({}) and printed nothing", agent.gate[i], result.detail)
              : fmt::format("its own gate '{}' failed ({}): {}", agent.gate[i], result.detail, last)};
    }
  }
  return {run::AttemptEnd::done,
          changed ? "proven done"
                  : (agent.read_only() ? "proven done (read-only, nothing changed)"
                                       : "proven done (nothing changed, as allow_empty permits)"),
          {}};
}

} // namespace wave::flow
