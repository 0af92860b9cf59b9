#include <catch.hpp>

#include "gate/lead_commit.hpp"
#include "gate_support.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <set>

using namespace wave;
using test::TempRepo;
using test::trim_nl;
namespace fs = std::filesystem;

namespace {

struct Agent {
  TempRepo repo;
  fs::path wt;
  std::string base;

  Agent() : repo("lead") {
    repo.write("src/a/one.txt", "1\n");
    repo.write("src/a/two.txt", "2\n");
    repo.write(".gitignore", "*.o\n");
    base = repo.commit_all("base");
    wt = repo.dir().parent_path() / (repo.dir().filename().string() + ".wt");
    fs::remove_all(wt);
    repo.git("worktree add -q -b wave/r/a '" + wt.string() + "' main");
  }
  std::string in_wt(const std::string& args) const { return test::sh(wt, "git " + args); }
  void write(const std::string& path, const std::string& content) const {
    fs::create_directories((wt / path).parent_path());
    std::ofstream(wt / path) << content;
  }
};

std::set<std::string> listed(const gate::WorktreeSnapshot& s) {
  std::set<std::string> out;
  for (const auto& c : s.changes()) {
    out.insert(fmt::format("{} {}", c.status(), c.path));
  }
  return out;
}

} // namespace

TEST_CASE("lead_commit: modified, deleted and untracked files become one commit; ignored ones stay",
          "[lead_commit]") {
  Agent a;
  a.write("src/a/one.txt", "1 changed\n");
  fs::remove(a.wt / "src/a/two.txt");
  a.write("src/a/three.txt", "3\n");
  a.write("src/a/build.o", "object\n");
  a.in_wt("add src/a/three.txt"); // staged and unstaged work alike
  const auto status_before = a.in_wt("status --porcelain --ignored");
  const auto index_before = a.in_wt("ls-files -s");

  auto snap = gate::WorktreeSnapshot::take(a.wt, "refs/heads/wave/r/a");
  REQUIRE(snap);
  CHECK(listed(*snap) == std::set<std::string>{"M src/a/one.txt", "D src/a/two.txt", "A src/a/three.txt"});
  // Taking the snapshot changed nothing the user can see.
  CHECK(a.in_wt("status --porcelain --ignored") == status_before);
  CHECK(a.in_wt("ls-files -s") == index_before);
  CHECK(trim_nl(a.in_wt("rev-parse HEAD")) == a.base);

  const auto id = snap->commit("Implement the a part");
  CHECK(trim_nl(a.in_wt("rev-parse HEAD")) == git::oid_str(id));
  CHECK(trim_nl(a.repo.git("rev-parse wave/r/a")) == git::oid_str(id));
  CHECK(trim_nl(a.in_wt("log -1 --format=%s")) == "Implement the a part");
  CHECK(trim_nl(a.in_wt("rev-parse HEAD^")) == a.base);
  CHECK(a.in_wt("status --porcelain") == "");
  CHECK(a.in_wt("status --porcelain --ignored") == "!! src/a/build.o\n");
  CHECK(a.in_wt("show HEAD:src/a/one.txt") == "1 changed\n");
}

TEST_CASE(
    "lead_commit: staged renames, a file become a folder, symlinks and odd names are taken as git add -A",
    "[lead_commit]") {
  Agent a;
  a.in_wt("mv src/a/one.txt src/a/uno.txt"); // a staged rename: both sides
  fs::remove(a.wt / "src/a/two.txt");
  a.write("src/a/two.txt/inside.txt", "now a folder\n");
  fs::create_symlink("uno.txt", a.wt / "src/a/link");
  a.write("src/a/sp ace\ttab\"quote.txt", "odd\n");
  a.write("new/deep/er/file.txt", "deep\n");
  auto snap = gate::WorktreeSnapshot::take(a.wt, "refs/heads/wave/r/a");
  REQUIRE(snap);
  snap->commit("all of it");
  // What git add -A would have committed: the worktree as it is.
  CHECK(a.in_wt("status --porcelain") == "");
  CHECK(a.in_wt("ls-files") ==
        ".gitignore\nnew/deep/er/file.txt\nsrc/a/link\n\"src/a/sp ace\\ttab\\\"quote.txt\"\n"
        "src/a/two.txt/inside.txt\nsrc/a/uno.txt\n");
  CHECK(a.in_wt("cat-file -p HEAD:src/a/link") == "uno.txt");
}

TEST_CASE("lead_commit: a clean worktree has nothing to commit", "[lead_commit]") {
  Agent a;
  a.write("src/a/ignored.o", "x\n");
  CHECK_FALSE(gate::WorktreeSnapshot::take(a.wt, "refs/heads/wave/r/a"));
}

TEST_CASE("lead_commit: a refused snapshot loses nothing and changes nothing", "[lead_commit]") {
  Agent a;
  a.write("src/a/one.txt", "work\n");
  a.write("foreign/file.txt", "not mine\n");
  a.in_wt("add foreign/file.txt");
  const auto status_before = a.in_wt("status --porcelain --ignored");
  const auto index_before = a.in_wt("ls-files -s --stage");
  {
    auto snap = gate::WorktreeSnapshot::take(a.wt, "refs/heads/wave/r/a");
    REQUIRE(snap);
    CHECK(listed(*snap) == std::set<std::string>{"M src/a/one.txt", "A foreign/file.txt"});
  } // dropped: the caller refused it
  CHECK(a.in_wt("status --porcelain --ignored") == status_before);
  CHECK(a.in_wt("ls-files -s --stage") == index_before);
  CHECK(trim_nl(a.in_wt("rev-parse HEAD")) == a.base);
}

TEST_CASE("lead_commit: a branch that moved meanwhile is not overwritten", "[lead_commit]") {
  Agent a;
  a.write("src/a/one.txt", "work\n");
  auto snap = gate::WorktreeSnapshot::take(a.wt, "refs/heads/wave/r/a");
  REQUIRE(snap);
  a.in_wt("commit -q --allow-empty -m 'agent committed meanwhile'");
  const auto moved = trim_nl(a.in_wt("rev-parse HEAD"));
  CHECK_THROWS_WITH(snap->commit("task"), Catch::Contains("moved while its worktree was being committed"));
  CHECK(trim_nl(a.in_wt("rev-parse HEAD")) == moved);
  CHECK(a.in_wt("status --porcelain") == " M src/a/one.txt\n");
}

TEST_CASE("lead_commit: a worktree on another branch is refused", "[lead_commit]") {
  Agent a;
  a.in_wt("switch -q -c elsewhere");
  CHECK_THROWS_WITH(gate::WorktreeSnapshot::take(a.wt, "refs/heads/wave/r/a"),
                    Catch::Contains("does not have branch 'wave/r/a' checked out"));
  CHECK_THROWS_WITH(gate::WorktreeSnapshot::take(a.wt / "nope", "refs/heads/wave/r/a"),
                    Catch::Contains("is missing"));
}
