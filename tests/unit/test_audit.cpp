#include <catch.hpp>

#include "gate/audit.hpp"
#include "gate_support.hpp"

#include <fmt/format.h>

using namespace wave;
using test::TempRepo;
using test::trim_nl;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> paths_of(const std::vector<gate::TouchedPath>& t) {
  std::vector<std::string> out;
  for (const auto& p : t) {
    out.push_back(p.path);
  }
  return out;
}

plan::Plan two_agents() {
  plan::Plan p;
  p.name = "r";
  plan::Agent a;
  a.name = "a";
  a.owns = {{"src/a/**", {}}};
  plan::Agent b;
  b.name = "b";
  b.owns = {{"src/b", {}}};
  plan::Agent reviewer;
  reviewer.name = "reviewer";
  p.agents = {a, b, reviewer};
  p.protected_paths = {{"wave.toml", {}}};
  return p;
}

} // namespace

TEST_CASE("audit: every path the agent's own commits touch, reverted ones included", "[audit]") {
  TempRepo r("audit-paths");
  r.write("src/a/x.txt", "x\n");
  r.write("src/b/y.txt", "y\n");
  r.write("old.txt", "old\n");
  const auto base = r.commit_all("base");
  r.git("checkout -q -b agent");
  r.write("src/a/x.txt", "x2\n");
  r.commit_all("own work");
  r.write("src/b/y.txt", "sneaky\n");
  const auto sneaky = r.commit_all("foreign change");
  r.write("src/b/y.txt", "y\n");
  r.commit_all("revert it");
  fs::create_directories(r.dir() / "src/a");
  r.git("mv old.txt src/a/old.txt");
  const auto tip = r.commit_all("rename into my folder");

  const git::Repo repo = r.open();
  const auto touched = gate::branch_paths(repo.get(), git::oid_from(tip), git::oid_from(base));
  CHECK(paths_of(touched) ==
        std::vector<std::string>{"old.txt", "src/a/old.txt", "src/a/x.txt", "src/b/y.txt"});
  CHECK(git::oid_str(touched[3].commit) == sneaky);
}

TEST_CASE("audit: a merge changes whatever it brings in from outside the branch", "[audit]") {
  TempRepo r("audit-merge");
  r.write("src/a/x.txt", "x\n");
  r.write("lead.txt", "1\n");
  const auto base = r.commit_all("base");
  r.git("checkout -q -b agent");
  r.write("src/a/x.txt", "mine\n");
  r.commit_all("own work");
  r.git("checkout -q main");
  r.write("lead.txt", "2\n");
  const auto moved = r.commit_all("lead moves main");
  r.git("checkout -q agent");
  r.git("merge -q --no-edit main");
  const auto merged = trim_nl(r.git("rev-parse HEAD"));
  const git::Repo repo = r.open();
  // The lead's commit would land through the agent's branch: it is the
  // agent's change, even while main's tip is hidden from the walk.
  CHECK(paths_of(gate::branch_paths(repo.get(), git::oid_from(merged), git::oid_from(base),
                                    {git::oid_from(moved)})) == std::vector<std::string>{"lead.txt", "src/a/x.txt"});
}

TEST_CASE("audit: a merge with an old ancestor cannot revert another agent's file unseen", "[audit]") {
  // Issue 17, item 1: a merge commit made with commit-tree (no hook), its
  // second parent the repository's first commit, its tree taking b's file
  // back to that commit's version. Each path differs from one parent only,
  // so a merge counted by "differs from every parent" hid it.
  TempRepo r("audit-old-merge");
  r.write("src/b/auth.c", "insecure\n");
  r.write("src/a/x.txt", "x\n");
  const auto root = r.commit_all("first");
  r.write("src/b/auth.c", "fixed\n");
  const auto base = r.commit_all("security fix");
  r.git("checkout -q -b agent");
  r.write("src/a/x.txt", "mine\n");
  const auto own = r.commit_all("own work");
  r.write("src/b/auth.c", "insecure\n");
  r.git("add -A");
  const auto tree = trim_nl(r.git("write-tree"));
  const auto evil = trim_nl(r.git(fmt::format("commit-tree {} -p {} -p {} -m merge", tree, own, root)));
  const git::Repo repo = r.open();
  const auto touched = gate::branch_paths(repo.get(), git::oid_from(evil), git::oid_from(base));
  REQUIRE(paths_of(touched) == std::vector<std::string>{"src/a/x.txt", "src/b/auth.c"});
  CHECK(git::oid_str(touched[1].commit) == evil);
  const plan::Plan plan = two_agents();
  const plan::Ownership ownership(plan);
  const auto f = gate::audit(plan, ownership, 0, touched);
  REQUIRE(f.size() == 1);
  CHECK(f[0].describe() == fmt::format("'src/b/auth.c' is owned by 'b' (commit {})", evil.substr(0, 7)));

  // The same change with the parents swapped (the old commit first).
  const auto swapped = trim_nl(r.git(fmt::format("commit-tree {} -p {} -p {} -m merge", tree, root, own)));
  CHECK(paths_of(gate::branch_paths(repo.get(), git::oid_from(swapped), git::oid_from(base))) ==
        std::vector<std::string>{"src/a/x.txt", "src/b/auth.c"});
}

TEST_CASE("audit: a tip moved back behind its base changes what the net diff shows", "[audit]") {
  TempRepo r("audit-rewind");
  r.write("src/b/auth.c", "insecure\n");
  const auto root = r.commit_all("first");
  r.write("src/b/auth.c", "fixed\n");
  const auto base = r.commit_all("security fix");
  const git::Repo repo = r.open();
  // No commit is on the branch (the walk is empty), yet landing it
  // would take the fix away.
  const auto touched = gate::branch_paths(repo.get(), git::oid_from(root), git::oid_from(base));
  REQUIRE(paths_of(touched) == std::vector<std::string>{"src/b/auth.c"});
  CHECK(git::oid_str(touched[0].commit) == root);
}

TEST_CASE("audit: findings name the path, who owns it, and the commit", "[audit]") {
  const auto p = two_agents();
  const plan::Ownership own(p);
  git_oid c;
  git_oid_fromstr(&c, "1234567890123456789012345678901234567890");
  const git_oid zero{};
  const std::vector<gate::TouchedPath> touched = {
      {"src/a/ok.txt", zero}, {"src/b/x.txt", c}, {"wave.toml", zero}, {"stray.txt", zero}};
  const auto f = gate::audit(p, own, 0, touched);
  REQUIRE(f.size() == 3);
  CHECK(f[0].describe() == "'src/b/x.txt' is owned by 'b' (commit 1234567)");
  CHECK(f[1].describe() == "'wave.toml' is protected");
  CHECK(f[2].describe() == "'stray.txt' is owned by no agent");
  CHECK(f[0].agent == "a");
  // A read-only agent may touch nothing.
  CHECK(gate::audit(p, own, 2, {{"src/a/ok.txt", zero}}).size() == 1);
  CHECK(gate::audit(p, own, 1, {{"src/b/deep/file", zero}}).empty());
}

TEST_CASE("audit: a foreign path the branch put back as at the base is taken out as restored", "[audit]") {
  TempRepo r("audit-restored");
  r.write("src/b/y.txt", "y\n");
  r.write("src/b/z.txt", "z\n");
  const auto base = r.commit_all("base");
  r.git("checkout -q -b agent");
  r.write("src/b/y.txt", "sneaky\n");
  r.write("src/b/z.txt", "sneaky\n");
  r.write("src/b/new.txt", "new\n");
  r.commit_all("foreign changes");
  r.write("src/b/y.txt", "y\n");
  r.git("rm -q src/b/new.txt");
  const auto tip = r.commit_all("put two of them back");

  const git::Repo repo = r.open();
  const plan::Plan plan = two_agents();
  const plan::Ownership ownership(plan);
  const auto touched = gate::branch_paths(repo.get(), git::oid_from(tip), git::oid_from(base));
  auto findings = gate::audit(plan, ownership, 0, touched);
  REQUIRE(findings.size() == 3);
  const auto restored = gate::take_restored(repo.get(), {git::oid_from(base)}, git::oid_from(tip), findings);
  REQUIRE(restored.size() == 2);
  CHECK(restored[0].path == "src/b/new.txt");
  CHECK(restored[1].path == "src/b/y.txt");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].path == "src/b/z.txt");
}
