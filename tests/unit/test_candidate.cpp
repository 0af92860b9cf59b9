#include <catch.hpp>

#include "gate/candidate.hpp"
#include "gate_support.hpp"

#include <fmt/format.h>

#include <random>

using namespace wave;
using test::TempRepo;
using test::trim_nl;
namespace fs = std::filesystem;

namespace {

// Creates branch `name` at `from` with the given files written (content ""
// deletes the file) and returns its tip.
std::string make_branch(const TempRepo& r, const std::string& name, const std::string& from,
                        const std::vector<std::pair<std::string, std::string>>& files) {
  r.git("checkout -q -B " + name + " " + from);
  for (const auto& [path, content] : files) {
    if (content.empty()) {
      r.git("rm -q -r -- '" + path + "'");
    } else {
      r.write(path, content);
    }
  }
  return r.commit_all("work on " + name);
}

gate::Branch branch(const std::string& agent, const std::string& base, const std::string& tip) {
  gate::Branch b;
  b.agent = agent;
  b.task = "Task of " + agent;
  b.branch = "wave/run/" + agent;
  b.base = git::oid_from(base);
  b.tip = git::oid_from(tip);
  return b;
}

// git's own in-memory merges, one after the other: the oracle tree.
std::string oracle_tree(const TempRepo& r, const std::string& onto, const std::vector<std::string>& tips) {
  std::string current = onto;
  std::string tree;
  for (const auto& tip : tips) {
    tree = trim_nl(r.git("merge-tree --write-tree " + current + " " + tip));
    current = trim_nl(r.git("commit-tree -p " + current + " -p " + tip + " -m m " + tree));
  }
  return trim_nl(r.git("rev-parse " + current + "^{tree}"));
}

std::string tree_of(const TempRepo& r, const git_oid& commit) {
  return trim_nl(r.git("rev-parse " + git::oid_str(commit) + "^{tree}"));
}

std::string refs_and_index(const TempRepo& r) {
  return r.git("for-each-ref") + r.git("ls-files -s") + r.git("status --porcelain");
}

} // namespace

TEST_CASE("candidate: disjoint branches land as one --no-ff merge each, in plan order", "[candidate]") {
  TempRepo r("cand-merge");
  r.write("README.md", "hi\n");
  r.write("a/keep.txt", "a\n");
  const auto base = r.commit_all("base");
  const auto ta = make_branch(r, "a", base, {{"a/one.txt", "1\n"}, {"a/keep.txt", ""}});
  const auto tb = make_branch(r, "b", base, {{"b/two.txt", "2\n"}, {"README.md", "changed\n"}});
  const auto tc = make_branch(r, "c", base, {{"c/deep/three.txt", "3\n"}});
  r.git("checkout -q main");
  const auto before = refs_and_index(r);

  gate::CandidateSpec spec;
  spec.run = "run";
  spec.wave = "2";
  spec.onto = git::oid_from(base);
  spec.branches = {branch("a", base, ta), branch("b", base, tb), branch("c", base, tc)};
  const git::Repo repo = r.open();
  const auto cand = gate::build_candidate(repo.get(), spec);
  REQUIRE_FALSE(cand.conflict);
  REQUIRE(cand.applied.size() == 3);
  for (const auto& a : cand.applied) {
    CHECK(a.how == gate::Applied::How::fast);
  }
  CHECK(tree_of(r, cand.commit) == oracle_tree(r, base, {ta, tb, tc}));
  const auto id = git::oid_str(cand.commit);
  CHECK(trim_nl(r.git("log --format=%P --first-parent " + id + " -3")) ==
        fmt::format("{} {}\n{} {}\n{} {}", git::oid_str(cand.applied[1].commit), tc,
                    git::oid_str(cand.applied[0].commit), tb, base, ta));
  CHECK(trim_nl(r.git("log --format=%s --first-parent " + id + " -1")) ==
        "Merge wave 2 agent 'c': Task of c");
  CHECK(r.git("log --format=%B -1 " + id).find("Wave-Agent: c\n") != std::string::npos);
  CHECK(refs_and_index(r) == before);
}

TEST_CASE("candidate: squash makes one single-parent commit per agent with the task as message",
          "[candidate]") {
  TempRepo r("cand-squash");
  r.write("README.md", "hi\n");
  const auto base = r.commit_all("base");
  const auto ta = make_branch(r, "a", base, {{"a/one.txt", "1\n"}});
  r.write("a/more.txt", "more\n");
  const auto ta2 = r.commit_all("second commit of a");
  const auto tb = make_branch(r, "b", base, {{"b/two.txt", "2\n"}});
  gate::CandidateSpec spec;
  spec.run = "run";
  spec.wave = "1";
  spec.style = plan::MergeStyle::squash;
  spec.onto = git::oid_from(base);
  spec.branches = {branch("a", base, ta2), branch("b", base, tb)};
  const git::Repo repo = r.open();
  const auto cand = gate::build_candidate(repo.get(), spec);
  REQUIRE_FALSE(cand.conflict);
  const auto id = git::oid_str(cand.commit);
  CHECK(trim_nl(r.git("log --format='%P %s' " + base + ".." + id)) ==
        fmt::format("{} Task of b\n{} Task of a", git::oid_str(cand.applied[0].commit), base));
  CHECK(tree_of(r, cand.commit) == oracle_tree(r, base, {ta2, tb}));
}

TEST_CASE("candidate: a moved integration tip takes a true 3-way merge", "[candidate]") {
  TempRepo r("cand-moved");
  r.write("shared.txt", "line 1\nline 2\nline 3\nline 4\nline 5\n");
  const auto base = r.commit_all("base");
  const auto ta =
      make_branch(r, "a", base, {{"shared.txt", "line 1 by a\nline 2\nline 3\nline 4\nline 5\n"}});
  const auto tb = make_branch(r, "b", base, {{"b.txt", "b\n"}});
  r.git("checkout -q main");
  r.write("shared.txt", "line 1\nline 2\nline 3\nline 4\nline 5 by lead\n");
  const auto moved = r.commit_all("lead moved main");

  gate::CandidateSpec spec;
  spec.run = "run";
  spec.wave = "1";
  spec.onto = git::oid_from(moved);
  spec.branches = {branch("a", base, ta), branch("b", base, tb)};
  const git::Repo repo = r.open();
  const auto cand = gate::build_candidate(repo.get(), spec);
  REQUIRE_FALSE(cand.conflict);
  CHECK(cand.applied[0].how == gate::Applied::How::merged);
  CHECK(cand.applied[1].how == gate::Applied::How::merged);
  CHECK(tree_of(r, cand.commit) == oracle_tree(r, moved, {ta, tb}));
  CHECK(r.git("show " + git::oid_str(cand.commit) + ":shared.txt") ==
        "line 1 by a\nline 2\nline 3\nline 4\nline 5 by lead\n");
}

TEST_CASE("candidate: a conflict names both agents and the file and leaves no trace", "[candidate]") {
  TempRepo r("cand-conflict");
  r.write("config.toml", "x = 1\n");
  r.write("other.txt", "o\n");
  const auto base = r.commit_all("base");
  const auto ta = make_branch(r, "alpha", base, {{"config.toml", "x = 2\n"}});
  const auto tb = make_branch(r, "beta", base, {{"other.txt", "o2\n"}});
  const auto tc = make_branch(r, "gamma", base, {{"config.toml", "x = 3\n"}});
  r.git("checkout -q main");
  const auto before = refs_and_index(r);
  gate::CandidateSpec spec;
  spec.run = "run";
  spec.wave = "1";
  spec.onto = git::oid_from(base);
  spec.branches = {branch("alpha", base, ta), branch("beta", base, tb), branch("gamma", base, tc)};
  const git::Repo repo = r.open();
  const auto cand = gate::build_candidate(repo.get(), spec);
  REQUIRE(cand.conflict);
  CHECK(cand.conflict->agent == "gamma");
  CHECK(cand.conflict->with == std::vector<std::string>{"alpha"});
  CHECK(cand.conflict->paths == std::vector<std::string>{"config.toml"});
  CHECK(refs_and_index(r) == before);
  CHECK(fs::exists(r.dir() / ".git/MERGE_HEAD") == false);
}

TEST_CASE("candidate: overlapping but compatible changes merge; empty branches are skipped", "[candidate]") {
  TempRepo r("cand-overlap");
  r.write("f.txt", "1\n2\n3\n4\n5\n6\n7\n8\n");
  const auto base = r.commit_all("base");
  const auto ta = make_branch(r, "a", base, {{"f.txt", "1a\n2\n3\n4\n5\n6\n7\n8\n"}, {"same.txt", "same\n"}});
  const auto tb = make_branch(r, "b", base, {{"f.txt", "1\n2\n3\n4\n5\n6\n7\n8b\n"}, {"same.txt", "same\n"}});
  gate::CandidateSpec spec;
  spec.run = "run";
  spec.wave = "1";
  spec.onto = git::oid_from(base);
  spec.branches = {branch("a", base, ta), branch("empty", base, base), branch("b", base, tb)};
  const git::Repo repo = r.open();
  const auto cand = gate::build_candidate(repo.get(), spec);
  REQUIRE_FALSE(cand.conflict);
  CHECK(cand.applied[0].how == gate::Applied::How::fast);
  CHECK(cand.applied[1].how == gate::Applied::How::skipped);
  CHECK(cand.applied[2].how == gate::Applied::How::merged);
  CHECK(tree_of(r, cand.commit) == oracle_tree(r, base, {ta, tb}));
  CHECK(trim_nl(r.git("rev-list --count " + base + ".." + git::oid_str(cand.commit) + " --first-parent")) ==
        "2");
}

TEST_CASE("candidate: a file turned into a folder inside one branch is merged correctly", "[candidate]") {
  TempRepo r("cand-dirfile");
  r.write("tool", "a file\n");
  r.write("lib/x.txt", "x\n");
  r.write("old/deep/only.txt", "gone soon\n");
  const auto base = r.commit_all("base");
  r.git("checkout -q -B a " + base);
  fs::remove(r.dir() / "tool");
  r.write("tool/main.c", "int main;\n");
  const auto ta = r.commit_all("tool becomes a folder");
  const auto tb = make_branch(r, "b", base, {{"lib/y.txt", "y\n"}});
  const auto tc = make_branch(r, "c", base, {{"old/deep/only.txt", ""}});
  gate::CandidateSpec spec;
  spec.run = "run";
  spec.wave = "1";
  spec.onto = git::oid_from(base);
  spec.branches = {branch("a", base, ta), branch("b", base, tb), branch("c", base, tc)};
  const git::Repo repo = r.open();
  const auto cand = gate::build_candidate(repo.get(), spec);
  REQUIRE_FALSE(cand.conflict);
  CHECK(cand.applied[0].how == gate::Applied::How::merged);
  CHECK(cand.applied[1].how == gate::Applied::How::fast);
  CHECK(cand.applied[2].how == gate::Applied::How::fast);
  CHECK(tree_of(r, cand.commit) == oracle_tree(r, base, {ta, tb, tc}));
  CHECK(trim_nl(r.git("ls-tree --name-only " + git::oid_str(cand.commit))) == "lib\ntool");
}

TEST_CASE("candidate: the fast path builds git's tree on random disjoint branches", "[candidate]") {
  TempRepo r("cand-random");
  std::mt19937 rng(7);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  const std::vector<std::string> areas = {"alpha", "beta", "gamma", "delta", "eps"};
  for (const auto& area : areas) {
    for (int i = 0; i < 6; ++i) {
      r.write(fmt::format("{}/sub{}/f{}.txt", area, i % 2, i), fmt::format("{} {}\n", area, i));
    }
  }
  r.write("top.txt", "top\n");
  const auto base = r.commit_all("base");
  for (int round = 0; round < 8; ++round) {
    std::vector<gate::Branch> branches;
    std::vector<std::string> tips;
    for (std::size_t k = 0; k < areas.size(); ++k) {
      const auto& area = areas[k];
      r.git("checkout -q -B " + area + " " + base);
      const int ops = 1 + static_cast<int>(pick(5));
      for (int op = 0; op < ops; ++op) {
        const std::string path = fmt::format("{}/sub{}/f{}.txt", area, pick(3), pick(8));
        const fs::path full = r.dir() / path;
        switch (pick(4)) {
        case 0:
          if (fs::exists(full)) {
            fs::remove(full);
          }
          break;
        case 1:
          if (fs::is_regular_file(full)) {
            fs::permissions(full, fs::perms::owner_exec, fs::perm_options::add);
          }
          break;
        case 2:
          if (!fs::exists(fs::symlink_status(full))) {
            fs::create_directories(full.parent_path());
            fs::create_symlink("../top.txt", full);
          }
          break;
        default:
          if (!fs::is_symlink(full)) {
            r.write(path, fmt::format("round {} op {}\n", round, op));
          }
          break;
        }
      }
      const auto tip = r.commit_all(fmt::format("{} round {}", area, round));
      branches.push_back(branch(area, base, tip));
      tips.push_back(tip);
    }
    gate::CandidateSpec spec;
    spec.run = "run";
    spec.wave = "1";
    spec.onto = git::oid_from(base);
    spec.branches = branches;
    const git::Repo repo = r.open();
    const auto cand = gate::build_candidate(repo.get(), spec);
    REQUIRE_FALSE(cand.conflict);
    for (const auto& a : cand.applied) {
      CHECK(a.how != gate::Applied::How::merged);
    }
    INFO("round " << round);
    CHECK(tree_of(r, cand.commit) == oracle_tree(r, base, tips));
  }
}
