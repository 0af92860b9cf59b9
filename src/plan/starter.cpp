#include "plan/starter.hpp"

#include "plan/name.hpp"

#include "git/refname.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wave::plan {

namespace {

// A TOML basic string: "..." with '"', '\' and control characters escaped.
std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\u{:04X}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// `path` as a pattern that matches it literally: glob characters escaped.
std::string glob_literal(std::string_view path) {
  std::string out;
  for (const char c : path) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

// A comment may hold anything printable but a line break.
std::string comment_text(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  return out;
}

bool is_safe(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

std::string sanitize(std::string_view folder) {
  std::string name;
  for (const char c : folder) {
    const char safe = is_safe(static_cast<unsigned char>(c)) ? c : '-';
    // No runs of '-', no "..".
    if (!name.empty() && ((safe == '-' && name.back() == '-') || (safe == '.' && name.back() == '.'))) {
      continue;
    }
    name += safe;
  }
  while (true) {
    const std::size_t before = name.size();
    while (!name.empty() && (name.front() == '.' || name.front() == '-')) {
      name.erase(0, 1);
    }
    while (!name.empty() && (name.back() == '.' || name.back() == '-')) {
      name.pop_back();
    }
    if (name.ends_with(".lock")) {
      name.resize(name.size() - 5);
    }
    if (name.size() == before) {
      break;
    }
  }
  if (name_problem(name)) {
    return "agent";
  }
  return name;
}

void gate_section(const StarterOptions& o, std::string& out) {
  out += "# The gate runs on the merged result of every wave (the candidate); every\n"
         "# command must pass before the wave lands. The agents' own checks go in\n"
         "# their 'gate'.\n"
         "[gate]\n";
  if (o.gate.empty()) {
    out += "# Nothing at the top of the tree to guess from: list the commands that\n"
           "# build and test the project, e.g. commands = [\"make -j2\", \"make test\"].\n"
           "commands = []\n";
  } else {
    out += "# Guessed from the build files at the top of the tree: check them.\n"
           "commands = [\n";
    std::size_t width = 0;
    for (const auto& c : o.gate) {
      width = std::max(width, toml_string(c.command).size() + 1);
    }
    for (const auto& c : o.gate) {
      out += fmt::format("  {:<{}} # {}\n", toml_string(c.command) + ",", width, comment_text(c.source));
    }
    out += "]\n";
  }
  out += "timeout = \"20m\"\n";
}

void run_section(std::string& out) {
  out += "# How 'git wave run' runs the plan unattended: each agent is launched in its\n"
         "# worktree with its brief, by a preset ('agent': claude-code, codex, gemini,\n"
         "# aider) or any command reading the brief on stdin ('launch'; see\n"
         "# git-wave-run(1)). Without either, launch the agents yourself, then 'git wave\n"
         "# gate' and 'git wave merge'.\n"
         "[run]\n"
         "# agent = \"claude-code\"\n"
         "# launch = \"your-agent --read-brief-from-stdin\"\n"
         "timeout = \"1h\"          # an attempt running longer is killed\n"
         "idle_timeout = \"10m\"    # no output and no change for this long: stalled\n"
         "retries = 1             # attempts after the first, per agent\n"
         "# budget_usd = 20.0     # for unattended runs: what all attempts may cost,\n"
         "# budget_turns = 400    # the model turns they may take,\n"
         "# budget_attempts = 30  # and how many there may be (also per agent)\n";
}

void example_agents(std::string& out) {
  out += R"(# One [[agent]] table per task, in the order they are merged. An agent runs
# one wave after the last agent it is 'after'; the others run in the first
# wave, side by side. 'owns' lists what the agent may change, as git glob
# pathspecs: 'src/api/**' is everything below src/api/, '*' stays within a
# folder. No two agents of one wave may own the same path. These three are
# an example: replace them with your tasks.

[[agent]]
name = "api"
task = "Add the new endpoint to the API"
owns = ["src/api/**", "tests/api/**"]
# estimate = "30m"               # for the critical path and the speedup
# title = "API endpoint"          # its merge's subject (default: the task, shortened)

[[agent]]
name = "cli"
task = "Add the command that calls the endpoint"
owns = ["src/cli/**", "tests/cli/**"]
# gate = ["make test-cli"]       # checked in the agent's worktree first

[[agent]]
name = "docs"
task = "Document the endpoint and the command"
after = ["api", "cli"]
owns = ["docs/**"]
)";
}

void folder_agents(const StarterOptions& o, std::string& out) {
  out += "# One agent per folder at the top of HEAD's tree, owning the folder. Files\n"
         "# at the top stay with the leader: nobody owns them. Give each agent its\n"
         "# task, split or merge folders, and order agents with 'after' (an agent\n"
         "# runs one wave after the last agent it is 'after'). No two agents of one\n"
         "# wave may own the same path.\n";
  if (!o.left_out.empty()) {
    std::vector<std::string> names;
    for (const auto& f : o.left_out) {
      names.push_back(comment_text(f) + "/");
    }
    out += fmt::format("# Left to the leader (hidden folders): {}\n", fmt::join(names, " "));
  }
  std::vector<std::string> taken;
  for (const auto& folder : o.folders) {
    const std::string name = agent_name_for(folder, taken);
    taken.push_back(name);
    out += fmt::format("\n[[agent]]\nname = {}\ntask = {}\nowns = [{}]\n", toml_string(name),
                       toml_string(fmt::format("Changes in {}/", folder)),
                       toml_string(glob_literal(folder) + "/**"));
  }
}

} // namespace

std::string agent_name_for(std::string_view folder, const std::vector<std::string>& taken) {
  const std::string base = sanitize(folder);
  std::string name = base;
  for (int n = 2; std::find(taken.begin(), taken.end(), name) != taken.end(); ++n) {
    name = fmt::format("{}-{}", base, n);
  }
  return name;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned int min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      min = 0x10000;
    } else {
      return false;
    }
    if (i + len > s.size()) {
      return false;
    }
    unsigned int cp = c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

std::string starter_plan(const StarterOptions& o) {
  std::string out;
  out += "# The plan of a git wave run: which agents (tasks) run, in which order, and\n"
         "# which files each may change. Reference: gitwave-plan(5), 'man gitwave-plan'.\n"
         "# Check it with 'git wave plan', commit it, then 'git wave start'.\n\n";
  out += "# The run's name: each agent works on the branch wave/<name>/<agent>.\n";
  out += fmt::format("name = {}\n", toml_string(o.name));
  out += "# The integration branch the waves are merged into.\n";
  if (o.base) {
    out += fmt::format("base = {}\n", toml_string(*o.base));
  } else {
    out += "# base = \"main\"                 # default: the branch checked out at 'git wave start'\n";
  }
  out += "# Warn when a wave runs more agents than this.\n"
         "max_parallel = 6\n"
         "# Paths nobody may change, not even an agent that owns them: leader-owned\n"
         "# files such as this plan and the CI configuration.\n";
  out += fmt::format("protected = [{}]\n",
                     o.plan_path ? toml_string(glob_literal(*o.plan_path)) : std::string());
  out += "# Commands run in every new agent worktree, e.g. setup = [\"npm ci\"].\n"
         "# setup = []\n\n";
  gate_section(o, out);
  out += "\n";
  run_section(out);
  out += "\n";
  if (o.from_tree) {
    folder_agents(o, out);
  } else {
    example_agents(out);
  }
  return out;
}

} // namespace wave::plan
