// git wave owner: which agent owns each path, and whether it is protected,
// in the manner of git check-ignore.
#include "cmd/commands.hpp"

#include "cli/plan_loader.hpp"
#include "cli/quote.hpp"
#include "cli/repo_path.hpp"
#include "core/error.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "plan/ownership.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sys/stat.h>

namespace wave::cmd {

namespace {

struct Options {
  std::string plan;
  bool json = false;
  bool from_stdin = false;
  bool nul = false;
  std::vector<std::string> paths;
};

Options parse_options(const cli::Args& args) {
  cli::Parser parser("owner",
                     "git wave owner [--plan <path>] [--json] [-z] [--] <path>...\n"
                     "   or: git wave owner [--plan <path>] [--json] [-z] --stdin",
                     "Show which agent owns each path, and whether it is protected.");
  Options o;
  parser.plan(o.plan);
  parser.flag("--json", o.json, "print an array of {\"path\", \"owners\", \"protected\"} objects");
  parser.flag("--stdin", o.from_stdin, "read the paths from standard input, one per line");
  parser.flag("-z", o.nul, "paths on standard input and output lines end with NUL, not newline");
  parser.positionals("path", o.paths, "paths, relative to the current directory", "<path>...");
  parser.parse(args);
  if (o.from_stdin && !o.paths.empty()) {
    throw UsageError("cannot specify paths with --stdin", {"see 'git wave owner -h'"});
  }
  if (!o.from_stdin && o.paths.empty()) {
    throw UsageError("no path specified", {"see 'git wave owner -h'"});
  }
  return o;
}

bool config_bool(git_repository* repo, const char* key, bool fallback) {
  const auto value = git::config_string(repo, key);
  if (!value) {
    return fallback;
  }
  return !(*value == "false" || *value == "no" || *value == "off" || *value == "0");
}

// Like git's maybe_flush_or_die(): with GIT_FLUSH unset, flush after each
// answer unless stdout is a regular file, so a coprocess gets its answers.
bool flush_each_answer() {
  if (const char* env = std::getenv("GIT_FLUSH"); env != nullptr && *env != '\0') {
    return std::string_view(env) != "0" && std::string_view(env) != "false";
  }
  struct stat st {};
  return fstat(fileno(stdout), &st) != 0 || !S_ISREG(st.st_mode);
}

class Report {
public:
  Report(const plan::Plan& plan, const Options& options, bool quote_high_bytes)
      : m_plan(plan), m_options(options), m_quote_high_bytes(quote_high_bytes),
        m_flush(options.from_stdin && !options.json && flush_each_answer()) {}

  void add(const std::string& path, const plan::PathOwners& who);
  void finish() const;
  bool all_owned() const { return m_all_owned; }

private:
  std::string text_line(const std::string& path, const plan::PathOwners& who) const;

  const plan::Plan& m_plan;
  const Options& m_options;
  bool m_quote_high_bytes;
  bool m_flush;
  bool m_all_owned = true;
  nlohmann::ordered_json m_json = nlohmann::ordered_json::array();
};

void Report::add(const std::string& path, const plan::PathOwners& who) {
  m_all_owned = m_all_owned && !who.owners.empty();
  if (m_options.json) {
    auto names = nlohmann::ordered_json::array();
    for (const auto i : who.owners) {
      names.push_back(m_plan.agents[i].name);
    }
    m_json.push_back({{"path", path}, {"owners", std::move(names)}, {"protected", who.is_protected}});
    return;
  }
  const std::string line = text_line(path, who);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc(m_options.nul ? '\0' : '\n', stdout);
  if (m_flush) {
    std::fflush(stdout);
  }
}

// "src/a.c: config-schema", "wave.toml: protected", ".github/x: ci (protected)",
// "docs/x: (nobody)".
std::string Report::text_line(const std::string& path, const plan::PathOwners& who) const {
  std::string line = m_options.nul ? path : cli::quote_path(path, m_quote_high_bytes);
  line += ": ";
  for (std::size_t i = 0; i < who.owners.size(); ++i) {
    line += (i == 0 ? "" : ", ") + m_plan.agents[who.owners[i]].name;
  }
  if (who.owners.empty()) {
    line += who.is_protected ? "protected" : "(nobody)";
  } else if (who.is_protected) {
    line += " (protected)";
  }
  return line;
}

void Report::finish() const {
  if (m_options.json) {
    fmt::print("{}\n", m_json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  }
  std::fflush(stdout);
}

// One path from the command line or stdin, as a path from the work tree root.
std::string repo_path(const cli::RepoPaths& paths, std::string_view arg) {
  std::string path = paths.resolve(arg);
  if (path.empty()) {
    throw Error(fmt::format("'{}' is the root of the work tree, not a path in it", arg), exit_code::fatal,
                {"name files or directories inside the repository"});
  }
  return path;
}

// getdelim()'s buffer, freed on every way out.
struct LineBuffer {
  LineBuffer() = default;
  LineBuffer(const LineBuffer&) = delete;
  LineBuffer& operator=(const LineBuffer&) = delete;
  ~LineBuffer() { std::free(data); }

  char* data = nullptr;
  std::size_t capacity = 0;
};

// Reads stdin one path at a time (a line, or up to a NUL with -z), unquoting
// C-style quoted lines like git check-ignore --stdin; calls `fn` with each.
template <class Fn> void each_stdin_path(bool nul, Fn fn) {
  const char end = nul ? '\0' : '\n';
  LineBuffer buffer;
  ssize_t n = 0;
  while ((n = getdelim(&buffer.data, &buffer.capacity, end, stdin)) >= 0) {
    std::string line(buffer.data, static_cast<std::size_t>(n));
    if (!line.empty() && line.back() == end) {
      line.pop_back();
    }
    if (!nul && !line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (!nul && !line.empty() && line.front() == '"') {
      auto unquoted = cli::unquote_path(line);
      if (!unquoted) {
        throw Error(fmt::format("line is badly quoted: {}", line));
      }
      line = std::move(*unquoted);
    }
    if (!line.empty()) {
      fn(line);
    }
  }
}

} // namespace

int owner(const cli::Args& args) {
  const Options options = parse_options(args);
  const git::Repo repo = git::open();
  const cli::RepoPaths paths(git::workdir(repo.get()), std::filesystem::current_path());
  const auto loaded = cli::load_plan(repo.get(), options.plan);
  const plan::Ownership ownership(loaded.plan);
  Report report(loaded.plan, options, config_bool(repo.get(), "core.quotepath", true));

  if (options.from_stdin) {
    each_stdin_path(options.nul, [&](const std::string& arg) {
      const std::string path = repo_path(paths, arg);
      report.add(path, ownership.lookup(path));
    });
  } else {
    std::vector<std::string> resolved;
    for (const auto& arg : options.paths) {
      resolved.push_back(repo_path(paths, arg));
    }
    for (const auto& path : resolved) {
      report.add(path, ownership.lookup(path));
    }
  }
  report.finish();
  return report.all_owned() ? exit_code::ok : exit_code::not_satisfied;
}

} // namespace wave::cmd
