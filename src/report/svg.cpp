#include "report/svg.hpp"

#include "report/junit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace wave::report {

namespace {

constexpr int width = 1200;
constexpr int left = 240; // wave labels and agent names
constexpr int right = 40;
constexpr int chart = width - left - right;
constexpr int lane_height = 26;
constexpr int wave_height = 24;

constexpr const char* kept_fill = "#3b82c4";
constexpr const char* redone_fill = "#d9473f";
constexpr const char* gate_fill = "#8a63d2";
constexpr const char* merge_fill = "#2e9e50";
constexpr const char* critical_stroke = "#f08c1a";
constexpr const char* text_fill = "#1f2328";
constexpr const char* muted = "#59636e";

// Text and attribute values: the JUnit writer's escaping (control
// characters and invalid UTF-8 never reach the XML).
std::string esc(std::string_view s) {
  return xml_escape(s);
}

std::string chain(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    out += (out.empty() ? "" : " \u2192 ") + n;
  }
  return out.empty() ? "-" : out;
}

std::string speed(double x) {
  return fmt::format("{:.2f}x", x);
}

class Canvas {
public:
  explicit Canvas(const Report& r) : m_r(r) {}

  double x(Seconds t) const {
    const double span = m_r.wall > 0 ? static_cast<double>(m_r.wall) : 1.0;
    return left + chart * std::clamp(static_cast<double>(t) / span, 0.0, 1.0);
  }

  void text(double x, double y, std::string_view s, std::string_view attrs = {}) {
    m_out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" {}>{}</text>\n", x, y, attrs, esc(s));
  }

  void rect(double x, double y, double w, double h, std::string_view attrs, std::string_view title = {}) {
    m_out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" {}", x, y,
                         std::max(w, 0.0), h, attrs);
    m_out += title.empty() ? std::string("/>\n") : fmt::format("><title>{}</title></rect>\n", esc(title));
  }

  void line(double x1, double y1, double x2, double y2, std::string_view attrs) {
    m_out += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" {}/>\n", x1, y1, x2,
                         y2, attrs);
  }

  void raw(std::string_view s) { m_out += s; }
  std::string take() { return std::move(m_out); }

private:
  const Report& m_r;
  std::string m_out;
};

// A figure in a box: a big number over its caption.
void card(Canvas& c, double x, double y, const std::string& value, const std::string& caption, bool strong) {
  c.rect(x, y, 178, 58,
         fmt::format("rx=\"6\" fill=\"{}\" stroke=\"#d0d7de\"", strong ? "#fff4e5" : "#f6f8fa"));
  c.text(x + 12, y + 30, value,
         fmt::format("class=\"figure\" font-size=\"24\" font-weight=\"bold\" fill=\"{}\"",
                     strong ? critical_stroke : text_fill));
  c.text(x + 12, y + 48, caption, fmt::format("font-size=\"11\" fill=\"{}\"", muted));
}

int header(Canvas& c, const Report& r) {
  c.text(24, 34, fmt::format("git wave report: run '{}'", r.run),
         fmt::format("font-size=\"20\" font-weight=\"bold\" fill=\"{}\"", text_fill));
  int y = 50;
  const std::array<std::pair<std::string, std::string>, 5> figures{{
      {speed(r.speedup.actual), "actual speedup"},
      {speed(r.speedup.theoretical), "theoretical, in waves"},
      {speed(r.speedup.theoretical_eager), "theoretical, eager"},
      {speed(r.speedup.waves), "actual durations, in waves"},
      {speed(r.speedup.eager), "actual durations, eager"},
  }};
  for (std::size_t i = 0; i < figures.size(); ++i) {
    card(c, 24 + static_cast<double>(i) * 190, y, figures[i].first, figures[i].second, i == 0);
  }
  y += 84;
  const auto line = [&](const std::string& s, std::string_view fill = text_fill, double indent = 0) {
    c.text(24 + indent, y, s, fmt::format("class=\"note\" font-size=\"13\" fill=\"{}\"", fill));
    y += 19;
  };
  line(fmt::format(
      "wall-clock {} for {} of agent time: at work {}, retries {}, gates {}, merges {}, idle in waves "
      "{}, between waves {}{}",
      duration_text(r.wall), duration_text(r.agent_time), duration_text(r.time.working),
      duration_text(r.time.retries), duration_text(r.time.gates), duration_text(r.time.merges),
      duration_text(r.time.idle), duration_text(r.time.between),
      r.time.aborted > 0 ? fmt::format(", aborted waves {}", duration_text(r.time.aborted)) : ""));
  line(fmt::format("agents done, waiting for the slowest of their wave: {} of agent time",
                   duration_text(r.waiting)));
  if (!r.lost.empty()) {
    line(fmt::format("{} planned -> {} actual, {}: {}", speed(r.speedup.theoretical), speed(r.speedup.actual),
                     r.speedup.actual < r.speedup.theoretical ? "lost to" : "time still lost to",
                     r.lost.front()));
    for (std::size_t i = 1; i < r.lost.size() && i < 4; ++i) {
      line(r.lost[i], text_fill, 24);
    }
  }
  line(fmt::format("critical path, planned: {}; actual: {} ({})", chain(r.planned_critical),
                   chain(r.actual_critical), duration_text(r.eager_time)));
  if (r.approximate) {
    line("approximate: some waves were not launched by git wave run; each agent counts from its wave's start "
         "to "
         "its last commit",
         "#9a6700");
  }
  if (r.running || !r.finished) {
    line(r.running ? "the run is still under way: figures so far" : "the run is not finished: figures so far",
         "#9a6700");
  }
  return y;
}

int legend(Canvas& c, int y) {
  double x = 24;
  const auto item = [&](const std::string& swatch, std::string_view label) {
    c.raw(swatch);
    c.text(x + 22, y + 11, label, fmt::format("font-size=\"12\" fill=\"{}\"", text_fill));
    x += 40 + static_cast<double>(label.size()) * 7.0;
  };
  c.raw("<g class=\"legend\">\n");
  item(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"12\" fill=\"{}\"/>\n", x, y, kept_fill),
       "attempt");
  item(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"12\" fill=\"{}\"/>\n", x, y, redone_fill),
       "attempt redone");
  item(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"12\" fill=\"{}\" fill-opacity=\"0.4\" "
                   "stroke=\"{}\" stroke-dasharray=\"3 2\"/>\n",
                   x, y, kept_fill, kept_fill),
       "from commits");
  item(
      fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#8c959f\" stroke-dasharray=\"2 3\" "
                  "stroke-width=\"2\"/>\n",
                  x, y + 6, x + 16, y + 6),
      "done, waiting");
  item(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"12\" fill=\"{}\" fill-opacity=\"0.35\" "
                   "stroke=\"{}\"/>\n",
                   x, y, gate_fill, gate_fill),
       "gate");
  item(fmt::format("<path d=\"M{} {} l6 6 l-6 6 l-6 -6 z\" fill=\"{}\"/>\n", x + 8, y, merge_fill), "merge");
  item(fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"/>\n", x + 8, y + 6, text_fill), "commit");
  item(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"12\" fill=\"{}\" stroke=\"{}\" "
                   "stroke-width=\"3\"/>\n",
                   x, y, kept_fill, critical_stroke),
       "actual critical path");
  item(fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"{}\">\u25c6</text>\n", x + 3, y + 11,
                   critical_stroke),
       "planned critical path");
  c.raw("</g>\n");
  return y + 30;
}

int axis(Canvas& c, const Report& r, int y, int bottom) {
  static constexpr std::array<Seconds, 16> steps{1,   2,   5,   10,   15,   30,   60,    120,
                                                 300, 600, 900, 1800, 3600, 7200, 14400, 43200};
  Seconds step = steps.back();
  for (const auto s : steps) {
    if (r.wall / s <= 10) {
      step = s;
      break;
    }
  }
  c.raw("<g class=\"axis\">\n");
  for (Seconds t = 0; t <= r.wall; t += step) {
    c.line(c.x(t), y + 6, c.x(t), bottom, "stroke=\"#d8dee4\"");
    c.text(c.x(t), y, duration_text(t),
           fmt::format("font-size=\"11\" fill=\"{}\" text-anchor=\"middle\"", muted));
  }
  c.raw("</g>\n");
  return y + 10;
}

void lane(Canvas& c, const WaveReport& w, const AgentReport& a, int y, Seconds done) {
  const double mid = y + lane_height / 2.0;
  c.raw(fmt::format("<g class=\"lane\" data-agent=\"{}\">\n", esc(a.name)));
  c.text(left - 20, mid + 4, a.name,
         fmt::format("font-size=\"13\" text-anchor=\"end\" fill=\"{}\"{}", text_fill,
                     a.actual_critical ? " font-weight=\"bold\"" : ""));
  if (a.planned_critical) {
    c.text(left - 15, mid + 4, "\u25c6", fmt::format("font-size=\"10\" fill=\"{}\"", critical_stroke));
  }
  if (a.exited && done > *a.exited) {
    c.line(c.x(*a.exited), mid, c.x(done), mid,
           "stroke=\"#8c959f\" stroke-dasharray=\"2 3\" stroke-width=\"2\"");
  }
  for (std::size_t i = 0; i < a.attempts.size(); ++i) {
    const auto& at = a.attempts[i];
    const bool approximate = at.end == "commits";
    const double x0 = c.x(at.span.start);
    const double w0 = std::max(c.x(at.span.end) - x0, 2.0);
    const bool critical = a.actual_critical && !a.redone[i];
    std::string attrs =
        fmt::format("class=\"attempt\" rx=\"3\" fill=\"{}\"", a.redone[i] ? redone_fill : kept_fill);
    if (approximate) {
      attrs += " fill-opacity=\"0.4\" stroke-dasharray=\"3 2\"";
    }
    if (critical || approximate) {
      attrs += fmt::format(" stroke=\"{}\" stroke-width=\"{}\"", critical ? critical_stroke : kept_fill,
                           critical ? 3 : 1);
    }
    c.rect(x0, y + 5, w0, lane_height - 10, attrs,
           fmt::format("{}, attempt {}: {} from {} ({}){}", a.name, at.number,
                       duration_text(at.span.length()), duration_text(at.span.start), at.end,
                       approximate ? ", approximate" : ""));
  }
  for (const auto& t : {a.first_commit, a.last_commit}) {
    if (t) {
      c.raw(fmt::format("<circle class=\"commit\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>\n",
                        c.x(*t), mid, text_fill));
    }
  }
  (void)w;
  c.raw("</g>\n");
}

// The waves: a band each, its agents' lanes, its gate and merge.
int waves(Canvas& c, const Report& r, int y) {
  for (std::size_t i = 0; i < r.waves.size(); ++i) {
    const WaveReport& w = r.waves[i];
    const int height = wave_height + static_cast<int>(w.agents.size()) * lane_height;
    c.raw(fmt::format("<g class=\"wave\" data-wave=\"{}\">\n", esc(w.label)));
    c.rect(0, y, width, height,
           fmt::format("fill=\"{}\" fill-opacity=\"0.55\"", i % 2 == 0 ? "#e9edf1" : "#ffffff"));
    c.text(24, y + 17,
           fmt::format("wave {}{}{}", w.label, w.aborted ? " (aborted)" : "",
                       w.approximate ? " (approximate)" : ""),
           fmt::format("font-size=\"13\" font-weight=\"bold\" fill=\"{}\"", text_fill));
    Seconds done = 0;
    for (const auto& a : w.agents) {
      done = std::max(done, a.exited.value_or(0));
    }
    int lane_y = y + wave_height;
    for (const auto& a : w.agents) {
      lane(c, w, a, lane_y, done);
      lane_y += lane_height;
    }
    // A gate: a band over the wave's lanes, outlined red when it failed,
    // dashed when a later gate of the wave replaced it.
    const auto gate = [&](const Span& g, bool earlier) {
      const double x0 = c.x(g.start);
      const bool failed = !earlier && !w.gate_passed;
      c.rect(x0, y + 4, std::max(c.x(g.end) - x0, 3.0), height - 8,
             fmt::format("class=\"gate\" fill=\"{}\" fill-opacity=\"0.35\" stroke=\"{}\"{}", gate_fill,
                         failed ? redone_fill : gate_fill, earlier ? " stroke-dasharray=\"4 3\"" : ""),
             fmt::format("{} of wave {}: {}{}", earlier ? "an earlier gate" : "gate", w.label,
                         duration_text(g.length()),
                         earlier  ? ""
                         : failed ? " (failed)"
                                  : " (passed)"));
    };
    for (const auto& g : w.earlier_gates) {
      gate(g, true);
    }
    if (w.gate) {
      gate(*w.gate, false);
    }
    if (w.merge) {
      const double xm = c.x(w.merge->end);
      const double xs = c.x(w.merge->start);
      if (xm - xs >= 1) { // the merge's own time: a band, as the gate's
        c.rect(xs, y + 4, xm - xs, height - 8, fmt::format("fill=\"{}\" fill-opacity=\"0.25\"", merge_fill));
      }
      c.line(xm, y + 4, xm, y + height - 4, fmt::format("stroke=\"{}\" stroke-width=\"2\"", merge_fill));
      c.raw(fmt::format(
          "<path class=\"merge\" d=\"M{:.1f} {} l7 7 l-7 7 l-7 -7 z\" fill=\"{}\"><title>merge of wave "
          "{}: {}</title></path>\n",
          xm, y + 3, merge_fill, esc(w.label), duration_text(w.merge->length())));
    }
    c.raw("</g>\n");
    y += height;
  }
  return y;
}

// The actual critical path: a line from each agent's end to the next one's start.
void critical_links(Canvas& c, const Report& r, int top) {
  std::vector<std::pair<const AgentReport*, int>> lanes; // agent, lane y
  int y = top;
  for (const auto& w : r.waves) {
    y += wave_height;
    for (const auto& a : w.agents) {
      if (a.actual_critical && !w.aborted) {
        lanes.emplace_back(&a, y);
      }
      y += lane_height;
    }
  }
  for (std::size_t i = 0; i + 1 < lanes.size(); ++i) {
    const auto& [a, ya] = lanes[i];
    const auto& [b, yb] = lanes[i + 1];
    if (a->attempts.empty() || b->attempts.empty()) {
      continue;
    }
    c.line(c.x(a->attempts.back().span.end), ya + lane_height / 2.0, c.x(b->attempts.front().span.start),
           yb + lane_height / 2.0,
           fmt::format("class=\"critical\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"5 3\"",
                       critical_stroke));
  }
}

} // namespace

std::string svg(const Report& r) {
  Canvas c(r);
  int y = header(c, r);
  y = legend(c, y + 6);
  const int lanes_top = y + 20;
  int lanes_count = 0;
  for (const auto& w : r.waves) {
    lanes_count += wave_height + static_cast<int>(w.agents.size()) * lane_height;
  }
  const int bottom = lanes_top + lanes_count;
  Canvas body(r);
  axis(body, r, y + 12, bottom);
  waves(body, r, lanes_top);
  critical_links(body, r, lanes_top);
  const int height = bottom + 24;
  std::string out =
      fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 "
                  "{} {}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
                  width, height, width, height);
  out += fmt::format("<title>git wave report: run {}</title>\n", esc(r.run));
  out += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", width, height);
  out += c.take();
  // The waves go under the axis lines' labels but over its grid.
  out += body.take();
  out += "</svg>\n";
  return out;
}

std::string html(const Report& r) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>git wave report: "
      "run {}</title>\n<style>body {{ margin: 16px; background: #fff; }}</style>\n</head>\n<body>\n{}"
      "</body>\n</html>\n",
      esc(r.run), svg(r));
}

} // namespace wave::report
