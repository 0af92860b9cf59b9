#include "render/run_view.hpp"

#include "gate/audit.hpp"
#include "git/check.hpp"
#include "git/cli.hpp"
#include "git/repo.hpp"
#include "run/store.hpp"
#include "util/duration.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <unistd.h>

namespace wave::render {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Whole seconds, as a clock on the wall: "7s", "1m12s", "2h05m".
std::string short_duration(std::chrono::seconds s) {
  if (s.count() < 60) {
    return fmt::format("{}s", s.count());
  }
  return util::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(s));
}

cli::Color color_of(const std::string& state) {
  if (state == "done") {
    return cli::Color::green;
  }
  if (state == "running") {
    return cli::Color::yellow;
  }
  if (state == "queued") {
    return cli::Color::dim;
  }
  return cli::Color::red;
}

std::chrono::seconds between(const std::string& from, const std::string& to) {
  const auto a = run::parse_time(from);
  const auto b = to.empty() ? std::optional(std::chrono::system_clock::now()) : run::parse_time(to);
  if (!a || !b || *b < *a) {
    return std::chrono::seconds(0);
  }
  return std::chrono::duration_cast<std::chrono::seconds>(*b - *a);
}

int count_commits(git_repository* repo, const std::string& branch, const std::string& base) {
  const auto tip = git::resolve_commit(repo, "refs/heads/" + branch);
  if (!tip) {
    return -1;
  }
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repo) != 0) {
    return -1;
  }
  const std::unique_ptr<git_revwalk, void (*)(git_revwalk*)> walk(raw, git_revwalk_free);
  const git_oid from = git::oid_from(base);
  git_revwalk_push(walk.get(), &*tip);
  git_revwalk_hide(walk.get(), &from);
  int n = 0;
  git_oid id;
  while (n < 9999 && git_revwalk_next(&id, walk.get()) == 0) {
    ++n;
  }
  return n;
}

// What an agent spent, short: "$0.0123 4 turns 12.3k tok".
std::string spent_text(const run::Usage& u) {
  std::string out;
  if (u.cost_usd) {
    out += fmt::format("${:.4f} ", *u.cost_usd);
  }
  if (u.turns) {
    out += fmt::format("{} turn{} ", *u.turns, *u.turns == 1 ? "" : "s");
  }
  const auto tokens = u.input_tokens + u.output_tokens;
  out += tokens < 1000 ? fmt::format("{} tok", tokens) : fmt::format("{:.1f}k tok", tokens / 1000.0);
  return out;
}

} // namespace

std::string printable_log_line(std::string_view line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\x1b' && i + 1 < line.size() && line[i + 1] == '[') {
      // CSI: parameters and intermediates, then one final byte.
      i += 2;
      while (i < line.size() && !(line[i] >= 0x40 && line[i] <= 0x7e)) {
        ++i;
      }
      continue;
    }
    if (c == '\x1b' && i + 1 < line.size() && line[i + 1] == ']') {
      // OSC: up to BEL or ST.
      i += 2;
      while (i < line.size() && line[i] != '\a' &&
             !(line[i] == '\x1b' && i + 1 < line.size() && line[i + 1] == '\\')) {
        ++i;
      }
      if (i < line.size() && line[i] == '\x1b') {
        ++i;
      }
      continue;
    }
    if (c == '\r') {
      if (util::trim(line.substr(i + 1)).empty()) {
        break; // a terminal's line end (CR LF)
      }
      out.clear(); // what a carriage return wrote over
      continue;
    }
    out += c;
  }
  return util::escape_control(util::trim(out));
}

std::vector<std::string> render(const WaveView& view, std::size_t width, const cli::Painter& paint) {
  std::vector<std::string> lines;
  if (view.label.empty()) {
    return lines;
  }
  const std::size_t cols = width > 1 ? width - 1 : width;
  std::size_t name_width = 4;
  for (const auto& a : view.agents) {
    name_width = std::max(name_width, std::min<std::size_t>(a.name.size(), 24));
  }
  int running = 0;
  int done = 0;
  for (const auto& a : view.agents) {
    running += a.state == "running" ? 1 : 0;
    done += a.state == "done" ? 1 : 0;
  }
  lines.push_back(paint(
      cli::Color::bold, cli::fit(fmt::format("wave {} of run '{}': {} running, {} done of {}, {}", view.label, view.run,
                                   running, done, view.agents.size(), short_duration(view.elapsed)),
                       cols)));
  for (const auto& a : view.agents) {
    const std::string name = cli::fit(a.name, name_width + 1);
    std::string rest;
    if (a.attempt > 0) {
      rest = fmt::format(" #{:<2} {:>7}", a.attempt, short_duration(a.elapsed));
      if (a.commits >= 0) {
        rest += fmt::format("  {:>2} commit{}", a.commits, a.commits == 1 ? " " : "s");
      }
      if (a.files >= 0) {
        rest += fmt::format("  {:>3} file{}", a.files, a.files == 1 ? " " : "s");
      }
      if (a.spent) {
        rest += "  " + spent_text(*a.spent);
      }
      if (!a.last.empty()) {
        rest += "  " + a.last;
      }
    }
    // Fit the plain text, then paint the state alone.
    const std::string plain = fmt::format("  {:<{}} {:<8}{}", name, name_width, a.state, rest);
    const std::string cut = cli::fit(plain, cols);
    const std::size_t at = 3 + name_width;
    if (cut.size() >= at + a.state.size()) {
      lines.push_back(cut.substr(0, at) + paint(color_of(a.state), a.state) +
                      cut.substr(at + a.state.size()));
    } else {
      lines.push_back(cut);
    }
  }
  if (!view.gate.empty()) {
    lines.push_back(cli::fit(fmt::format("  gate: {}", util::join(view.gate, " · ")), cols));
  }
  return lines;
}

std::string event_line(const flow::Event& e, const cli::Painter& paint) {
  const std::string who =
      e.agent.empty() ? std::string()
                      : fmt::format(" {}{}", e.agent, e.attempt > 0 ? fmt::format("#{}", e.attempt) : "");
  const auto color = e.ok ? cli::Color::none : cli::Color::red;
  return fmt::format("{} wave {}{} {}: {}", e.at.size() >= 19 ? e.at.substr(11, 8) : e.at, e.wave, who,
                     paint(color, e.type), e.detail);
}

RunView::RunView(std::FILE* out, bool live, cli::Painter paint, fs::path repo_dir, std::string run)
    : m_out(out), m_live(live), m_paint(paint), m_repo_dir(std::move(repo_dir)), m_run(std::move(run)) {
  if (m_live) {
    m_ticker = std::thread([this] { tick(); });
  }
}

RunView::~RunView() {
  finish();
}

void RunView::finish() {
  {
    const std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  if (!m_ticker.joinable()) {
    return;
  }
  m_ticker.join();
  // The last frame is drawn from the state as it is now: a tick that looked
  // before the last attempt's end was recorded showed it running.
  try {
    WaveView view = look();
    const std::lock_guard lock(m_mutex);
    view.gate = m_gate;
    m_view = std::move(view);
    redraw_locked("");
  } catch (const std::exception&) {
    // The frame on screen stays; the event lines above it are the record.
  }
}

void RunView::event(const flow::Event& e) {
  const std::lock_guard lock(m_mutex);
  if (!m_live) {
    fmt::print(m_out, "{}\n", event_line(e, m_paint));
    std::fflush(m_out);
    return;
  }
  if (e.type == "gate-step") {
    m_gate.push_back(fmt::format("{}{}", e.agent.empty() ? "" : e.agent + " ", e.detail));
    m_view.gate = m_gate;
    redraw_locked("");
    return;
  }
  if (e.type == "started" || e.type == "gated") {
    m_gate.clear();
    m_view.gate.clear();
  }
  // The block follows the event at once, not at the next look: an agent
  // that exited is not shown running below its exit line.
  if ((e.type == "exited" || e.type == "launched") && !e.agent.empty()) {
    for (auto& a : m_view.agents) {
      if (a.name == e.agent && e.attempt >= a.attempt) {
        a.attempt = e.attempt;
        a.state = e.type == "launched" ? "running" : e.detail.substr(0, e.detail.find(':'));
      }
    }
  }
  redraw_locked(event_line(e, m_paint) + "\n");
}

void RunView::pause() {
  const std::lock_guard lock(m_mutex);
  if (m_live && m_drawn > 0) {
    fmt::print(m_out, "\x1b[{}F\x1b[J", m_drawn);
    std::fflush(m_out);
  }
  m_drawn = 0;
  m_paused = true;
}

void RunView::resume() {
  const std::lock_guard lock(m_mutex);
  m_paused = false;
  if (m_live) {
    redraw_locked("");
  }
}

void RunView::redraw_locked(const std::string& permanent) {
  if (m_paused) {
    std::fputs(permanent.c_str(), m_out);
    std::fflush(m_out);
    return;
  }
  std::string out;
  if (m_drawn > 0) {
    out += fmt::format("\x1b[{}F", m_drawn); // to the start of the block
  }
  out += "\x1b[J"; // clear it
  out += permanent;
  const auto lines = render(m_view, cli::terminal_width(m_out), m_paint);
  for (const auto& line : lines) {
    out += line + "\n";
  }
  m_drawn = lines.size();
  // One write for the whole redraw: a terminal that reads it in pieces
  // would show the block erased, or half drawn (flicker).
  std::fflush(m_out);
  const int fd = ::fileno(m_out);
  std::size_t done = 0;
  while (done < out.size()) {
    const auto n = ::write(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    done += static_cast<std::size_t>(n);
  }
}

void RunView::tick() {
  while (true) {
    WaveView view;
    try {
      view = look();
    } catch (const std::exception&) {
      // The state is being rewritten or the repository is busy: show what
      // was seen last, look again at the next tick.
      const std::lock_guard lock(m_mutex);
      view = m_view;
    }
    std::unique_lock lock(m_mutex);
    view.gate = m_gate;
    m_view = std::move(view);
    redraw_locked("");
    m_wake.wait_for(lock, std::chrono::milliseconds(500), [this] { return m_stop; });
    if (m_stop) {
      return;
    }
  }
}

WaveView RunView::look() {
  const git::Repo repo = git::open(m_repo_dir);
  const auto stored = run::load(repo.get(), m_run);
  const run::WaveRun* w = stored ? stored->state.current() : nullptr;
  WaveView view;
  if (w == nullptr || w->status == run::WaveStatus::merged) {
    return view;
  }
  view.run = m_run;
  view.label = w->label;
  view.elapsed = between(w->started_at, "");
  std::vector<std::size_t> stale; // agents whose files are to be counted again
  std::vector<std::string> keys;
  for (const auto& agent : w->agents) {
    AgentView a;
    a.name = agent.name;
    a.state = "queued";
    const run::Attempt* last = nullptr;
    for (const auto& at : w->attempts) {
      if (at.agent == agent.name) {
        last = &at;
      }
    }
    std::string key;
    Stats& stats = m_stats[agent.name];
    for (const auto& at : w->attempts) {
      if (at.agent != agent.name) {
        continue;
      }
      if (at.end != run::AttemptEnd::running) {
        run::add(a.spent, at.usage);
        continue;
      }
      // Running: its log so far, read from where the last look stopped.
      if (!stats.live || stats.live_log != at.log) {
        stats.live = std::make_unique<run::LogUsage>(at.log);
        stats.live_log = at.log;
      }
      run::add(a.spent, stats.live->read());
    }
    if (last != nullptr) {
      a.attempt = last->number;
      a.state = std::string(run::to_string(last->end));
      a.elapsed = between(last->launched_at, last->end == run::AttemptEnd::running ? "" : last->exited_at);
      a.last = printable_log_line(util::tail_lines(last->log, 1));
      a.commits = count_commits(repo.get(), agent.branch, agent.base);
      key = fmt::format("{}@{}:{}:{}", w->label, w->started_at, last->number, a.state);
    }
    a.files = m_stats[agent.name].files;
    if (last != nullptr && (m_stats[agent.name].key != key || last->end == run::AttemptEnd::running)) {
      stale.push_back(view.agents.size());
      keys.push_back(key);
    }
    view.agents.push_back(std::move(a));
  }
  // One worktree scan per tick at most, agents in turn.
  if (!stale.empty() && Clock::now() >= m_next_measure) {
    std::size_t pick = 0;
    while (pick < stale.size() && stale[pick] < m_next_agent) {
      ++pick;
    }
    pick = pick == stale.size() ? 0 : pick;
    const run::AgentRun& agent = w->agents[stale[pick]];
    Stats& stats = m_stats[agent.name];
    const auto began = Clock::now();
    measure(repo.get(), agent, stats);
    stats.key = keys[pick];
    view.agents[stale[pick]].files = stats.files;
    m_next_agent = stale[pick] + 1;
    m_next_measure =
        Clock::now() + std::max<Clock::duration>(std::chrono::seconds(1), (Clock::now() - began) * 9);
  }
  return view;
}

// The files the agent changed since its base: committed on its branch, or
// left in its worktree.
void RunView::measure(git_repository* repo, const run::AgentRun& agent, Stats& stats) {
  std::set<std::string> paths;
  if (const auto tip = git::resolve_commit(repo, "refs/heads/" + agent.branch)) {
    for (const auto& t : gate::branch_paths(repo, *tip, git::oid_from(agent.base))) {
      paths.insert(t.path);
    }
  }
  const auto status =
      git::run_git(agent.worktree, {"--no-optional-locks", "status", "--porcelain", "-uall", "-z"});
  if (!status.ok()) {
    return;
  }
  const auto entries = util::split(status.output, '\0');
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string& e = entries[i];
    if (e.size() < 4) {
      continue;
    }
    paths.insert(e.substr(3));
    if (e[0] == 'R' || e[0] == 'C') {
      ++i; // the source path of a rename or copy
    }
  }
  stats.files = static_cast<int>(paths.size());
}

} // namespace wave::render
