#include "plan/model.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace wave::plan {

std::optional<std::size_t> Plan::find(std::string_view agent_name) const {
  for (std::size_t i = 0; i < agents.size(); ++i) {
    if (agents[i].name == agent_name) {
      return i;
    }
  }
  return std::nullopt;
}

bool may_be_empty(const Plan& plan, const Agent& agent) {
  return agent.read_only() || agent.allow_empty.value_or(plan.allow_empty);
}

std::string title_of(const Agent& agent) {
  if (!agent.title.empty()) {
    return agent.title;
  }
  std::string_view line(agent.task);
  line = line.substr(0, line.find('\n'));
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    line.remove_prefix(1);
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  if (line.empty()) {
    return agent.name;
  }
  if (line.size() <= derived_title) {
    return std::string(line);
  }
  // Cut at the last space that leaves room for "...", never inside a word
  // (nor inside a UTF-8 sequence: a space is ASCII); a first word longer
  // than that is cut at a character boundary.
  const std::size_t room = derived_title - 3;
  std::size_t cut = line.substr(0, room + 1).rfind(' ');
  if (cut == std::string_view::npos || cut == 0) {
    cut = room;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) {
      --cut;
    }
  }
  std::string_view head = line.substr(0, cut);
  while (!head.empty() && (head.back() == ' ' || head.back() == ',' || head.back() == ';' || head.back() == ':')) {
    head.remove_suffix(1);
  }
  return std::string(head) + "...";
}

std::string worktree_path(const Plan& plan, std::string_view repo_root, std::string_view agent_name) {
  const std::string_view templ = plan.worktrees.empty() ? default_worktrees : std::string_view(plan.worktrees);
  std::string out;
  for (std::size_t i = 0; i < templ.size(); ++i) {
    if (templ[i] == '{') {
      const auto close = templ.find('}', i);
      if (close != std::string_view::npos) {
        const auto key = templ.substr(i + 1, close - i - 1);
        if (key == "repo") {
          out += repo_root;
        } else if (key == "run") {
          out += plan.name;
        } else if (key == "agent") {
          out += agent_name;
        } else {
          out += templ.substr(i, close - i + 1);
        }
        i = close;
        continue;
      }
    }
    out += templ[i];
  }
  const std::filesystem::path path(out);
  if (path.is_relative()) {
    return (std::filesystem::path(repo_root) / path).lexically_normal().string();
  }
  return path.lexically_normal().string();
}

} // namespace wave::plan

namespace wave::plan {

namespace {

std::filesystem::path resolved(std::string_view p) {
  std::error_code ec;
  auto out = std::filesystem::weakly_canonical(std::filesystem::path(p), ec);
  if (ec) {
    out = std::filesystem::path(p).lexically_normal();
  }
  auto text = out.string();
  while (text.size() > 1 && text.back() == '/') {
    text.pop_back();
  }
  return text;
}

bool within(const std::filesystem::path& path, const std::filesystem::path& dir) {
  const auto& p = path.native();
  const auto& d = dir.native();
  return p == d || (p.size() > d.size() && p.starts_with(d) && (d.ends_with('/') || p[d.size()] == '/'));
}

} // namespace

std::optional<std::string> worktree_location_problem(std::string_view path, std::string_view repo_root,
                                                     std::string_view git_dir) {
  const auto wt = resolved(path);
  if (!git_dir.empty() && within(wt, resolved(git_dir))) {
    return fmt::format("the worktree '{}' would be inside the git dir '{}'", path, git_dir);
  }
  if (within(wt, resolved(repo_root))) {
    return fmt::format("the worktree '{}' would be inside the working tree '{}'", path, repo_root);
  }
  return std::nullopt;
}

} // namespace wave::plan
