// git wave audit [<branch>...]: the ownership audit of agent branches, by
// the plan their run recorded, from any clone: the check a server's
// pre-receive hook makes of a push, for a CI job on every push to wave/**.
#include "cmd/commands.hpp"

#include "cli/color.hpp"
#include "core/error.hpp"
#include "gate/branch_audit.hpp"
#include "git/check.hpp"
#include "git/remote.hpp"
#include "git/repo.hpp"
#include "plan/parse.hpp"
#include "remote/remote_run.hpp"
#include "render/finding_json.hpp"
#include "render/junit_output.hpp"
#include "run/branch.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace wave::cmd {

namespace fs = std::filesystem;

namespace {

using Json = nlohmann::ordered_json;

struct Audited {
  std::string branch; // wave/<run>/<agent>
  std::string ref;    // what was audited: refs/heads/... or refs/remotes/...
  git_oid tip{};
  gate::BranchAudit audit;
  std::vector<gate::Finding> restored; // foreign paths put back as at the base: accepted, as the gate does
};

// The branch named by an argument, or HEAD's.
std::string branch_name(git_repository* repo, const std::string& arg) {
  if (arg.empty()) {
    const auto current = git::current_branch(repo);
    if (!current) {
      throw Error("HEAD is detached: name the branch to audit", exit_code::fatal,
                  {"in GitHub Actions: git wave audit \"$GITHUB_REF_NAME\"; in GitLab CI: git wave audit "
                   "\"$CI_COMMIT_REF_NAME\""});
    }
    return *current;
  }
  return std::string(git::branch_name(arg));
}

// The tip to audit: the remote's as just fetched (`fetched`), else the
// local branch, else the remote's as last fetched.
std::pair<std::string, git_oid> find_tip(git_repository* repo, const std::string& branch,
                                         const std::string& remote, bool fetched) {
  const std::string tracking = fmt::format("refs/remotes/{}/{}", remote, branch);
  const std::vector<std::string> refs = fetched ? std::vector<std::string>{tracking}
                                                : std::vector<std::string>{"refs/heads/" + branch, tracking};
  for (const auto& ref : refs) {
    if (const auto tip = git::resolve_commit(repo, ref)) {
      return {ref, *tip};
    }
  }
  throw Error(
      fmt::format("no branch '{}' here (nor '{}/{}')", branch, remote, branch), exit_code::fatal,
      {fmt::format("fetch it (git fetch {} '{}'), or let audit fetch it: git wave audit --remote {} '{}'",
                   remote, branch, remote, branch)});
}

report::TestSuite junit_suite(const std::vector<Audited>& all) {
  report::TestSuite suite;
  suite.name = "git wave audit";
  for (const auto& a : all) {
    report::TestCase c;
    c.classname = fmt::format("wave.{}.{}", a.audit.run, a.audit.agent);
    c.name = fmt::format("ownership audit {}", a.branch);
    c.output = fmt::format("{} at {}: {} path{} changed since its base {}\n", a.branch, git::oid_str(a.tip),
                           a.audit.paths, a.audit.paths == 1 ? "" : "s", git::short_oid(a.audit.base));
    for (const auto& f : a.restored) {
      c.output += fmt::format("changes {}, then puts it back as at the base: accepted\n", f.describe());
    }
    if (!a.audit.findings.empty()) {
      c.status = report::CaseStatus::failure;
      c.message = a.audit.reason();
      for (const auto& f : a.audit.findings) {
        c.text += f.describe() + "\n";
      }
      c.text += a.audit.owns_text() + "\n";
    }
    suite.cases.push_back(std::move(c));
  }
  return suite;
}

Json to_json(const std::vector<Audited>& all, bool pass) {
  Json branches = Json::array();
  for (const auto& a : all) {
    Json violations = Json::array();
    for (const auto& f : a.audit.findings) {
      violations.push_back(render::finding_json(f));
    }
    Json restored = Json::array();
    for (const auto& f : a.restored) {
      restored.push_back(render::finding_json(f));
    }
    branches.push_back({{"branch", a.branch},
                        {"run", a.audit.run},
                        {"agent", a.audit.agent},
                        {"ref", a.ref},
                        {"tip", git::oid_str(a.tip)},
                        {"base", git::oid_str(a.audit.base)},
                        {"owns", a.audit.owns},
                        {"result", a.audit.findings.empty() ? "pass" : "fail"},
                        {"paths", a.audit.paths},
                        {"violations", violations},
                        {"restored", restored}});
  }
  return {{"result", pass ? "pass" : "fail"}, {"branches", branches}};
}

void print_text(const cli::Painter& paint, const std::vector<Audited>& all) {
  for (const auto& a : all) {
    const auto& r = a.audit;
    if (r.findings.empty()) {
      fmt::print("audit {}: {} {} path{} changed since its base {}, all its own\n", a.branch,
                 paint(cli::Color::green, "ok"), r.paths, r.paths == 1 ? "" : "s", git::short_oid(r.base));
    } else {
      fmt::print("audit {}: {} {}\n", a.branch, paint(cli::Color::red, "FAIL"), r.reason());
      for (std::size_t i = 0; i < r.findings.size() && i < util::max_listed; ++i) {
        fmt::print("  {}\n", r.findings[i].describe());
      }
      if (r.findings.size() > util::max_listed) {
        fmt::print("  {} (--json lists them all)\n", util::and_more(r.findings.size() - util::max_listed));
      }
      fmt::print("{} {}; drop those changes with 'git wave repair {}' (on the lead's clone), or commit them "
                 "back to their content at the base ({})\n",
                 paint(cli::Color::yellow, "hint:"), r.owns_text(), r.agent, git::short_oid(r.base));
    }
    for (const auto& f : a.restored) {
      fmt::print("{} {} changes {}, then puts it back as at the base: accepted\n",
                 paint(cli::Color::yellow, "note:"), util::quote(f.agent), f.describe());
    }
  }
}

} // namespace

int audit(const cli::Args& args) {
  cli::Parser parser(
      "audit", "git wave audit [--remote <name>] [--json] [--junit <file>] [--color=<when>] [<branch>...]",
      "Audit agent branches (wave/<run>/<agent>; default: the current branch): every commit since "
      "the agent's base may touch only paths the agent owns and no protected path, by the plan "
      "its run recorded. The check a server's pre-receive hook makes, for CI.");
  std::vector<std::string> branches;
  std::string remote;
  bool json = false;
  std::string junit;
  std::optional<cli::ColorWhen> color_flag;
  parser.positionals("branch", branches, "the agent branches to audit (default: the current branch)",
                     "<branch>");
  parser.option("--remote", remote,
                "audit the branches as they are on <name>: fetch them and their runs' state first (else they "
                "must be here: git fetch <name> 'refs/wave/*:refs/wave/*')",
                "<name>");
  parser.flag("--json", json, "print the result as JSON on stdout");
  parser.option("--junit", junit, "also write the result as a JUnit XML report to <file> (for CI)", "<file>");
  parser.color(color_flag);
  parser.parse(args);
  if (!junit.empty()) {
    render::check_junit_path(junit);
  }

  const git::Repo repo = git::open();
  const fs::path cwd =
      git_repository_is_bare(repo.get()) == 1 ? git::common_dir(repo.get()) : git::workdir(repo.get());
  if (branches.empty()) {
    branches.emplace_back();
  }
  // Every argument checked before anything is fetched.
  std::vector<std::pair<std::string, run::AgentBranch>> named;
  for (const auto& arg : branches) {
    const std::string branch = branch_name(repo.get(), arg);
    const auto parsed = run::parse_agent_branch(branch);
    if (!parsed) {
      throw Error(fmt::format("'{}' is not an agent branch", util::shown(branch)), exit_code::fatal,
                  {"agent branches are named wave/<run>/<agent>"});
    }
    named.emplace_back(branch, *parsed);
  }
  if (!remote.empty()) {
    git::require_remote(cwd, remote);
    // What the remote has, in one round trip, so that nothing is fetched
    // for an audit that cannot run.
    std::vector<std::string> ls_args{"ls-remote", remote};
    for (const auto& [branch, parsed] : named) {
      ls_args.push_back("refs/heads/" + branch);
      ls_args.push_back(run::state_ref(parsed.run));
    }
    const auto listed = git::run_git(cwd, ls_args);
    if (!listed.ok()) {
      throw Error(fmt::format("cannot reach '{}': {}", remote, util::trim(listed.output)));
    }
    const auto has = [&listed](const std::string& ref) {
      return (listed.output + "\n").find("\t" + ref + "\n") != std::string::npos;
    };
    for (const auto& [branch, parsed] : named) {
      if (!has(run::state_ref(parsed.run))) {
        throw Error(
            fmt::format("'{}' has no run '{}' (no {})", remote, parsed.run, run::state_ref(parsed.run)),
            exit_code::fatal,
            {"the lead pushes a run with its branches: git push --atomic <remote> "
             "'refs/wave/*:refs/wave/*' 'refs/heads/wave/*:refs/heads/wave/*'"});
      }
      if (!has("refs/heads/" + branch)) {
        throw Error(
            fmt::format("'{}' has no branch '{}'", remote, branch), exit_code::fatal,
            {fmt::format("the agent pushes it (git push {} {}); 'git ls-remote {} \"refs/heads/wave/*\"' "
                         "lists the agent branches there",
                         remote, branch, remote)});
      }
    }
    std::set<std::string> fetched;
    for (const auto& [branch, parsed] : named) {
      if (fetched.insert(parsed.run).second) {
        cli::fetch_run(cwd, remote, parsed.run);
      }
      git::fetch(cwd, remote, {fmt::format("+refs/heads/{}:refs/remotes/{}/{}", branch, remote, branch)});
    }
  }
  git::require_full_history(repo.get());

  std::map<std::string, std::pair<run::Stored, plan::Plan>> runs;
  std::vector<Audited> all;
  for (const auto& [branch, parsed] : named) {
    auto it = runs.find(parsed.run);
    if (it == runs.end()) {
      auto stored = run::load(repo.get(), parsed.run);
      if (!stored) {
        throw Error(fmt::format("no run '{}' here (no {})", parsed.run, run::state_ref(parsed.run)),
                    exit_code::fatal,
                    {"fetch the runs' state: git fetch origin 'refs/wave/*:refs/wave/*'",
                     fmt::format("or let audit fetch it: git wave audit --remote origin '{}'", branch)});
      }
      auto plan = plan::parse(stored->plan_text, fmt::format("plan of run '{}'", parsed.run));
      if (!plan.plan) {
        throw Error(fmt::format("the plan recorded for run '{}' is not valid", parsed.run));
      }
      it = runs.emplace(parsed.run, std::pair{std::move(*stored), std::move(*plan.plan)}).first;
    }
    const auto [ref, tip] = find_tip(repo.get(), branch, remote.empty() ? "origin" : remote, !remote.empty());
    // The branch lands next to the integration branch as it is (the
    // remote's, with --remote): a merge base it moved counts.
    const std::string& integration = it->second.first.state.integration;
    std::vector<git_oid> onto;
    if (const auto int_tip = git::resolve_commit(
            repo.get(), remote.empty() ? "refs/heads/" + integration
                                       : fmt::format("refs/remotes/{}/{}", remote, integration))) {
      onto.push_back(*int_tip);
    }
    auto audited =
        gate::audit_branch(repo.get(), it->second.first, it->second.second, parsed.agent, tip, onto);
    if (!audited) {
      throw Error(
          fmt::format("run '{}' has no started agent '{}'", parsed.run, parsed.agent), exit_code::fatal,
          {fmt::format("branches wave/{}/<agent> are for the agents of the run's started waves; 'git wave "
                       "status --run {}' lists them",
                       parsed.run, parsed.run)});
    }
    Audited a{branch, ref, tip, std::move(*audited), {}};
    a.restored = gate::take_restored(repo.get(), gate::landing_bases(repo.get(), tip, a.audit.base, onto), tip,
                                     a.audit.findings);
    all.push_back(std::move(a));
  }

  bool pass = true;
  for (const auto& a : all) {
    pass = pass && a.audit.findings.empty();
  }
  if (!junit.empty()) {
    render::write_junit(junit, "git wave audit", {junit_suite(all)});
  }
  if (json) {
    fmt::print("{}\n", to_json(all, pass).dump(2));
  } else {
    print_text(cli::stdout_painter(color_flag, repo.get()), all);
  }
  return pass ? exit_code::ok : exit_code::not_satisfied;
}

} // namespace wave::cmd
