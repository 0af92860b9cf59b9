#include "report/gather.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/handle.hpp"
#include "git/repo.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wave::report {

namespace {

using Clock = std::chrono::system_clock;

std::optional<std::int64_t> unix_time(const std::string& text) {
  const auto t = run::parse_time(text);
  if (!t) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
}

// The committer times of the commits on `tip` that `base` lacks, earliest
// and latest, as Unix times; nothing when there are none or history is gone.
std::optional<std::pair<std::int64_t, std::int64_t>> commit_times(git_repository* repo, const git_oid& tip,
                                                                  const git_oid& base) {
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repo) < 0) {
    return std::nullopt;
  }
  const git::RevWalk walk(raw);
  if (git_revwalk_push(walk.get(), &tip) < 0 || git_revwalk_hide(walk.get(), &base) < 0) {
    return std::nullopt;
  }
  std::optional<std::pair<std::int64_t, std::int64_t>> out;
  git_oid id;
  while (git_revwalk_next(&id, walk.get()) == 0) {
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo, &id) < 0) {
      return std::nullopt;
    }
    const git::Commit commit(c);
    const std::int64_t when = git_commit_committer(commit.get())->when.time;
    out = out ? std::pair{std::min(out->first, when), std::max(out->second, when)} : std::pair{when, when};
  }
  return out;
}

// Where the agent's work is: its branch, or once merged (the branch gone)
// the tip its wave's gate tested.
std::optional<git_oid> agent_tip(git_repository* repo, const run::WaveRun& w, const run::AgentRun& a) {
  if (!a.branch.empty()) {
    if (const auto tip = git::resolve_commit(repo, "refs/heads/" + a.branch)) {
      return tip;
    }
  }
  if (w.gate) {
    for (const auto& [agent, oid] : w.gate->tips) {
      if (agent == a.name && oid.size() == GIT_OID_HEXSZ) {
        return git::oid_from(oid);
      }
    }
  }
  return std::nullopt;
}

class Reader {
public:
  Reader(git_repository* repo, std::int64_t origin, Seconds now)
      : m_repo(repo), m_origin(origin), m_now(now) {}

  Seconds at(const std::string& text, Seconds fallback) const {
    const auto t = unix_time(text);
    return t ? *t - m_origin : fallback;
  }

  std::optional<Span> span(const std::string& from, const std::string& to) const {
    const auto a = unix_time(from);
    if (!a) {
      return std::nullopt;
    }
    const auto b = unix_time(to);
    return Span{*a - m_origin, (b ? *b : *a) - m_origin};
  }

  WaveTimeline wave(const run::WaveRun& w) const {
    WaveTimeline out;
    out.label = w.label;
    out.aborted = w.status == run::WaveStatus::aborted;
    out.started = at(w.started_at, 0);
    if (w.gate) {
      out.gate = span(w.gate->started_at, w.gate->finished_at);
      out.gate_passed = w.gate->passed();
      out.bisect_runs = w.gate->bisect_runs;
      if (out.gate && !out.gate_passed) {
        out.failed_gates.push_back(*out.gate);
      }
    }
    for (const auto& g : w.earlier_gates) {
      if (const auto s = span(g.started_at, g.finished_at)) {
        out.earlier_gates.push_back(*s);
        if (g.result == run::GateResult::fail) {
          out.failed_gates.push_back(*s);
        }
      }
    }
    for (const auto& p : w.pauses) {
      const Seconds from = at(p.at, out.started);
      out.blocked.push_back(Span{from, p.until.empty() ? std::max(from, m_now) : at(p.until, from)});
    }
    if (w.merged) {
      out.merge = span(w.merged->at, w.merged->finished_at);
    }
    for (const auto& a : w.agents) {
      out.agents.push_back(agent(w, a, out));
    }
    return out;
  }

private:
  AgentTimeline agent(const run::WaveRun& w, const run::AgentRun& a, WaveTimeline& wave) const {
    AgentTimeline out;
    out.name = a.name;
    const auto tip = agent_tip(m_repo, w, a);
    if (tip && a.base.size() == GIT_OID_HEXSZ) {
      // Commits dated before their wave started (another clock, a date
      // fixed by the environment) say nothing of when the agent worked.
      const auto times = commit_times(m_repo, *tip, git::oid_from(a.base));
      if (times && times->first - m_origin >= wave.started) {
        out.first_commit = times->first - m_origin;
        out.last_commit = times->second - m_origin;
      }
    }
    for (const auto& at : w.attempts) {
      if (at.agent != a.name) {
        continue;
      }
      Attempt x;
      x.number = at.number;
      x.span.start = this->at(at.launched_at, wave.started);
      const bool open = at.end == run::AttemptEnd::running;
      x.span.end = open ? std::max(x.span.start, m_now) : this->at(at.exited_at, x.span.start);
      x.end = std::string(run::to_string(at.end));
      x.usage = at.usage;
      out.attempts.push_back(std::move(x));
    }
    if (out.attempts.empty() && out.last_commit) {
      // Not launched by git wave run: at work from the wave's start to its last commit.
      wave.approximate = true;
      out.attempts.push_back(Attempt{1, {wave.started, *out.last_commit}, "commits", std::nullopt});
    } else if (out.attempts.empty()) {
      wave.approximate = true;
    }
    return out;
  }

  git_repository* m_repo;
  std::int64_t m_origin;
  Seconds m_now;
};

} // namespace

Timeline gather(git_repository* repo, const run::State& state, Clock::time_point now) {
  Timeline t;
  t.run = state.run;
  const std::int64_t now_unix =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::optional<std::int64_t> origin;
  for (const auto& w : state.waves) {
    if (const auto s = unix_time(w.started_at); s && (!origin || *s < *origin)) {
      origin = s;
    }
  }
  if (!origin) {
    origin = unix_time(state.created_at);
  }
  t.origin = origin.value_or(now_unix);
  t.now = now_unix - t.origin;
  const Reader reader(repo, t.origin, t.now);
  for (const auto& w : state.waves) {
    t.waves.push_back(reader.wave(w));
    for (const auto& a : w.attempts) {
      if (a.adopted) {
        t.marks.push_back(
            {reader.at(a.launched_at, 0), w.label,
             fmt::format("{} adopted as attempt {}: its branch, moved by a person, passed the proof", a.agent,
                         a.number)});
      }
    }
  }
  for (const auto& d : state.actions) {
    t.marks.push_back(
        {reader.at(d.at, 0), d.wave,
         fmt::format("{} {}{}{}", run::to_string(d.kind), d.agent,
                     d.by.empty() ? std::string() : " by " + util::escape_control(d.by),
                     d.reason.empty() ? std::string() : ": " + util::escape_control(d.reason))});
  }
  for (const auto& m : state.amendments) {
    t.marks.push_back({reader.at(m.at, 0), "",
                       fmt::format("plan amended to {}: {}", util::escape_control(m.to.substr(0, 7)),
                                   util::escape_control(util::join(m.changes, "; ")))});
  }
  std::stable_sort(t.marks.begin(), t.marks.end(), [](const Mark& x, const Mark& y) { return x.at < y.at; });
  return t;
}

} // namespace wave::report
