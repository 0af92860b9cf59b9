#include <catch.hpp>

#include "gate_support.hpp"
#include "git/tree_diff.hpp"

#include <fmt/format.h>

#include <random>
#include <set>

using namespace wave;
using test::TempRepo;
namespace fs = std::filesystem;

namespace {

// Our changes in the shape of `git diff-tree -r --raw -z` records.
std::string ours(const TempRepo& r, const std::string& a, const std::string& b) {
  const git::Repo repo = r.open();
  std::string out;
  for (const auto& c : git::diff_commits(repo.get(), git::oid_from(a), git::oid_from(b))) {
    out += fmt::format(":{:06o} {:06o} {} {} {}", static_cast<unsigned>(c.old_mode),
                       static_cast<unsigned>(c.new_mode), git::oid_str(c.old_oid), git::oid_str(c.new_oid),
                       c.status());
    out += '\0';
    out += c.path;
    out += '\0';
  }
  return out;
}

std::string oracle(const TempRepo& r, const std::string& a, const std::string& b) {
  return r.git("diff --raw --no-renames --no-abbrev -z " + a + " " + b);
}

void remove_path(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
}

} // namespace

TEST_CASE("tree_diff: adds, modifications and deletions in nested folders", "[tree_diff]") {
  TempRepo r("td-basic");
  r.write("README.md", "hello\n");
  r.write("src/a/one.cpp", "1\n");
  r.write("src/a/two.cpp", "2\n");
  r.write("src/b/three.cpp", "3\n");
  r.write("docs/x.md", "x\n");
  const auto c1 = r.commit_all("one");
  r.write("src/a/one.cpp", "1 changed\n");
  fs::remove(r.dir() / "src/a/two.cpp");
  r.write("src/c/new.cpp", "new\n");
  const auto c2 = r.commit_all("two");

  const git::Repo repo = r.open();
  const auto changes = git::diff_commits(repo.get(), git::oid_from(c1), git::oid_from(c2));
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].path == "src/a/one.cpp");
  CHECK(changes[0].status() == 'M');
  CHECK(changes[1].path == "src/a/two.cpp");
  CHECK(changes[1].status() == 'D');
  CHECK(changes[1].new_mode == GIT_FILEMODE_UNREADABLE);
  CHECK(changes[2].path == "src/c/new.cpp");
  CHECK(changes[2].status() == 'A');
  CHECK(ours(r, c1, c2) == oracle(r, c1, c2));
  CHECK(ours(r, c2, c1) == oracle(r, c2, c1));
  CHECK(git::diff_commits(repo.get(), git::oid_from(c1), git::oid_from(c1)).empty());
}

TEST_CASE("tree_diff: a rename is a deletion plus an addition", "[tree_diff]") {
  TempRepo r("td-rename");
  r.write("lib/old_name.cpp", "same content\n");
  const auto c1 = r.commit_all("one");
  fs::create_directories(r.dir() / "src");
  r.git("mv lib/old_name.cpp src/new_name.cpp");
  const auto c2 = r.commit_all("two");
  const git::Repo repo = r.open();
  const auto changes = git::diff_commits(repo.get(), git::oid_from(c1), git::oid_from(c2));
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].path == "lib/old_name.cpp");
  CHECK(changes[0].status() == 'D');
  CHECK(changes[1].path == "src/new_name.cpp");
  CHECK(changes[1].status() == 'A');
  CHECK(ours(r, c1, c2) == oracle(r, c1, c2));
}

TEST_CASE("tree_diff: mode changes, symlinks and submodules are changes", "[tree_diff]") {
  TempRepo r("td-modes");
  r.write("run.sh", "echo hi\n");
  r.write("link", "plain file\n");
  r.write("sub", "a file that becomes a submodule\n");
  r.write("mod/keep", "k\n");
  const auto c1 = r.commit_all("one");
  r.git("update-index --chmod=+x run.sh");
  fs::remove(r.dir() / "link");
  fs::create_symlink("run.sh", r.dir() / "link");
  r.git("add link");
  r.git("rm -q --cached sub");
  fs::remove(r.dir() / "sub");
  r.git("update-index --add --cacheinfo 160000," + c1 + ",sub");
  r.git("update-index --add --cacheinfo 160000," + c1 + ",mod/gitlink");
  r.git("commit -q -m two");
  const auto c2 = test::trim_nl(r.git("rev-parse HEAD"));

  const git::Repo repo = r.open();
  const auto changes = git::diff_commits(repo.get(), git::oid_from(c1), git::oid_from(c2));
  std::set<std::string> seen;
  for (const auto& c : changes) {
    seen.insert(fmt::format("{} {}", c.status(), c.path));
  }
  CHECK(seen == std::set<std::string>{"T link", "A mod/gitlink", "M run.sh", "T sub"});
  CHECK(ours(r, c1, c2) == oracle(r, c1, c2));
  CHECK(ours(r, c2, c1) == oracle(r, c2, c1));
}

TEST_CASE("tree_diff: a file replaced by a folder is a deletion plus additions", "[tree_diff]") {
  TempRepo r("td-dirfile");
  r.write("a", "file a\n");
  r.write("a.txt", "t\n");
  r.write("b/inner", "i\n");
  const auto c1 = r.commit_all("one");
  fs::remove(r.dir() / "a");
  r.write("a/b", "now a folder\n");
  remove_path(r.dir() / "b");
  r.write("b", "now a file\n");
  const auto c2 = r.commit_all("two");
  CHECK(ours(r, c1, c2) == oracle(r, c1, c2));
  CHECK(ours(r, c2, c1) == oracle(r, c2, c1));
}

TEST_CASE("tree_diff: identical subtrees are skipped without being read", "[tree_diff]") {
  TempRepo r("td-skip");
  // A subtree whose object does not exist: reading it would fail.
  const std::string missing = "1234567890123456789012345678901234567890";
  const auto blob = test::trim_nl(r.git("hash-object -w --stdin </dev/null"));
  auto mktree = [&](const std::string& file_blob) {
    return test::trim_nl(test::sh(
        r.dir(),
        fmt::format("set -e; printf '040000 tree {}\\tbig\\n100644 blob {}\\tfile\\n' | git mktree --missing",
                    missing, file_blob)));
  };
  const auto t1 = mktree(blob);
  const auto blob2 = test::trim_nl(test::sh(r.dir(), "echo changed | git hash-object -w --stdin"));
  const auto t2 = mktree(blob2);
  REQUIRE(t1 != t2);
  const git::Repo repo = r.open();
  git_tree* a = nullptr;
  git_tree* b = nullptr;
  const auto ida = git::oid_from(t1);
  const auto idb = git::oid_from(t2);
  REQUIRE(git_tree_lookup(&a, repo.get(), &ida) == 0);
  const git::Tree ta(a);
  REQUIRE(git_tree_lookup(&b, repo.get(), &idb) == 0);
  const git::Tree tb(b);
  const auto changes = git::diff_trees(repo.get(), ta.get(), tb.get());
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].path == "file");
}

TEST_CASE("tree_diff: agrees with git diff --raw --no-renames on random histories", "[tree_diff]") {
  TempRepo r("td-random");
  std::mt19937 rng(20240601);
  const std::vector<std::string> names = {"a", "a.txt", "a-b", "b", "c", "z"};
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  auto random_path = [&] {
    std::string p = names[pick(names.size())];
    const std::size_t depth = pick(3);
    for (std::size_t d = 0; d < depth; ++d) {
      p += "/" + names[pick(names.size())];
    }
    return p;
  };
  // Makes room for a file at `p`: removes files that are its ancestors and a
  // folder at `p` itself.
  auto make_room = [&](const std::string& p) {
    fs::path acc;
    for (const auto& part : fs::path(p)) {
      acc /= part;
      const fs::path full = r.dir() / acc;
      if (acc == fs::path(p)) {
        if (fs::is_directory(fs::symlink_status(full))) {
          remove_path(full);
        }
      } else if (fs::exists(fs::symlink_status(full)) && !fs::is_directory(fs::symlink_status(full))) {
        fs::remove(full);
      }
    }
  };
  std::vector<std::string> commits;
  for (int i = 0; i < 12; ++i) {
    r.write(fmt::format("seed{}", i % 3), std::to_string(i));
    commits.push_back(r.commit_all("seed"));
  }
  for (int round = 0; round < 40; ++round) {
    const int ops = 1 + static_cast<int>(pick(6));
    for (int k = 0; k < ops; ++k) {
      const std::string p = random_path();
      const fs::path full = r.dir() / p;
      switch (pick(5)) {
      case 0:
      case 1:
        make_room(p);
        r.write(p, fmt::format("content {} {}\n", round, k));
        break;
      case 2:
        remove_path(full);
        break;
      case 3:
        if (fs::is_regular_file(fs::symlink_status(full))) {
          const auto perms = fs::status(full).permissions();
          const bool exec = (perms & fs::perms::owner_exec) != fs::perms::none;
          fs::permissions(full, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                          exec ? fs::perm_options::remove : fs::perm_options::add);
        }
        break;
      default:
        make_room(p);
        remove_path(full);
        fs::create_directories(full.parent_path());
        fs::create_symlink("target-" + names[pick(names.size())], full);
        break;
      }
    }
    commits.push_back(r.commit_all(fmt::format("round {}", round)));
  }
  int compared = 0;
  for (int k = 0; k < 60; ++k) {
    const auto& a = commits[pick(commits.size())];
    const auto& b = commits[pick(commits.size())];
    INFO("diff " << a << " " << b);
    CHECK(ours(r, a, b) == oracle(r, a, b));
    ++compared;
  }
  CHECK(compared == 60);
}

namespace {

// A tree `depth` directories deep ("d/d/.../d/f"), written with libgit2's
// tree builder (git itself cannot check such a tree out).
git_oid deep_tree(git_repository* repo, std::size_t depth) {
  git_oid blob;
  REQUIRE(git_blob_create_from_buffer(&blob, repo, "x\n", 2) == 0);
  git_oid id;
  git_treebuilder* raw = nullptr;
  REQUIRE(git_treebuilder_new(&raw, repo, nullptr) == 0);
  git::TreeBuilder leaf(raw);
  REQUIRE(git_treebuilder_insert(nullptr, leaf.get(), "f", &blob, GIT_FILEMODE_BLOB) == 0);
  REQUIRE(git_treebuilder_write(&id, leaf.get()) == 0);
  int rc = 0; // one assertion for the whole loop: 100,000 would slow the test down
  for (std::size_t i = 0; i < depth && rc == 0; ++i) {
    rc = git_treebuilder_new(&raw, repo, nullptr);
    git::TreeBuilder b(raw);
    if (rc == 0) {
      rc = git_treebuilder_insert(nullptr, b.get(), "d", &id, GIT_FILEMODE_TREE);
    }
    if (rc == 0) {
      rc = git_treebuilder_write(&id, b.get());
    }
  }
  REQUIRE(rc == 0);
  return id;
}

} // namespace

TEST_CASE("tree_diff: a tree deeper than git allows is refused, never a crash", "[tree_diff]") {
  // Issue 17, item 8: a tree 100,000 directories deep crashed every
  // recursive walk (gate, audit, the server's hook) with SIGSEGV.
  TempRepo r("tree-diff-deep");
  const git::Repo repo = r.open();
  git_tree* raw = nullptr;
  const git_oid ok_id = deep_tree(repo.get(), git::max_tree_depth - 1);
  REQUIRE(git_tree_lookup(&raw, repo.get(), &ok_id) == 0);
  const git::Tree ok(raw);
  const auto changes = git::diff_trees(repo.get(), nullptr, ok.get());
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].path.size() == 2 * (git::max_tree_depth - 1) + 1);

  const git_oid deep_id = deep_tree(repo.get(), 100000);
  REQUIRE(git_tree_lookup(&raw, repo.get(), &deep_id) == 0);
  const git::Tree deep(raw);
  try {
    git::diff_trees(repo.get(), ok.get(), deep.get());
    FAIL("a tree 100,000 directories deep was walked");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Catch::Matchers::Contains("is more than 4096 directories deep at 'd/d/d/"));
  }
}
