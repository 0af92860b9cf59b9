#include <catch.hpp>

#include "git/check.hpp"
#include "git/hooks.hpp"
#include "git/repo.hpp"
#include "git/staged.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace wave;
namespace fs = std::filesystem;

namespace {

class Sandbox {
public:
  Sandbox() {
    const char* base = std::getenv("WAVE_TEST_TMP");
    static int counter = 0;
    m_dir = fs::path(base != nullptr ? base : "/tmp") /
            ("staged-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "empty");
    for (const auto level : {GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_SYSTEM}) {
      git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, (m_dir / "empty").c_str());
    }
    git_repository* raw = nullptr;
    git::check(git_repository_init(&raw, (m_dir / "repo").c_str(), 0), "init");
    m_repo.reset(raw);
  }
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;
  ~Sandbox() {
    m_repo.reset();
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  git_repository* repo() const { return m_repo.get(); }
  fs::path root() const { return m_dir / "repo"; }
  fs::path dir() const { return m_dir; }

  void write(const std::string& path, const std::string& content) const {
    fs::create_directories((root() / path).parent_path());
    std::ofstream(root() / path) << content;
  }

  git::Index index() const {
    git_index* raw = nullptr;
    git::check(git_repository_index(&raw, repo()), "index");
    return git::Index(raw);
  }

  void add(const std::string& path) const {
    auto idx = index();
    git::check(git_index_add_bypath(idx.get(), path.c_str()), "add");
    git::check(git_index_write(idx.get()), "write index");
  }

  // Commits the index (which makes its cache tree valid) on HEAD.
  git_oid commit(const char* message) const {
    auto idx = index();
    git_oid tree_id;
    git::check(git_index_write_tree(&tree_id, idx.get()), "write tree");
    git::check(git_index_write(idx.get()), "write index");
    git_tree* tree = nullptr;
    git::check(git_tree_lookup(&tree, repo(), &tree_id), "tree");
    const git::Tree t(tree);
    git_signature* sig = nullptr;
    git::check(git_signature_new(&sig, "T", "t@example.com", 1112911993, 0), "sig");
    const git::Signature s(sig);
    std::vector<const git_commit*> parents;
    git::Commit parent;
    if (const auto head = git::resolve_commit(repo(), "HEAD")) {
      parent = git::lookup_commit(repo(), *head);
      parents.push_back(parent.get());
    }
    git_oid id;
    git::check(git_commit_create(&id, repo(), "HEAD", s.get(), s.get(), nullptr, message, t.get(),
                                 parents.size(), parents.data()),
               "commit");
    return id;
  }

private:
  fs::path m_dir;
  git::Repo m_repo;
};

std::string changes(const std::vector<git::StagedChange>& list) {
  std::string out;
  for (const auto& c : list) {
    out += c.status;
    out += ' ';
    out += c.path;
    out += '\n';
  }
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

TEST_CASE("staged: the index's tree is read from its cache tree when valid", "[staged]") {
  const Sandbox box;
  box.write("a/one.txt", "1\n");
  box.write("b/two.txt", "2\n");
  box.add("a/one.txt");
  box.add("b/two.txt");
  const git_oid commit = box.commit("first");
  const git::Commit c = git::lookup_commit(box.repo(), commit);
  const fs::path index_file = box.root() / ".git" / "index";

  SECTION("valid: the committed tree") {
    const auto tree = git::index_file_tree(index_file);
    REQUIRE(tree);
    CHECK(git_oid_equal(&*tree, git_commit_tree_id(c.get())));
  }
  SECTION("index version 4 (prefix-compressed paths)") {
    auto idx = box.index();
    git::check(git_index_set_version(idx.get(), 4), "version");
    git::check(git_index_write(idx.get()), "write");
    const auto tree = git::index_file_tree(index_file);
    REQUIRE(tree);
    CHECK(git_oid_equal(&*tree, git_commit_tree_id(c.get())));
  }
  SECTION("invalidated by a later add: none") {
    box.write("a/three.txt", "3\n");
    box.add("a/three.txt");
    CHECK_FALSE(git::index_file_tree(index_file));
  }
  SECTION("not an index: none") {
    std::ofstream(box.dir() / "junk") << "DIRC but not really";
    CHECK_FALSE(git::index_file_tree(box.dir() / "junk"));
    CHECK_FALSE(git::index_file_tree(box.dir() / "missing"));
  }
}

TEST_CASE("staged: changes against HEAD, the same by either path", "[staged]") {
  const Sandbox box;
  box.write("a/one.txt", "1\n");
  box.write("b/two.txt", "2\n");
  box.write("c/keep.txt", "k\n");
  box.add("a/one.txt");
  box.add("b/two.txt");
  box.add("c/keep.txt");
  box.commit("first");

  // A modification, a deletion, an addition and a rename (delete + add).
  box.write("a/one.txt", "1 changed\n");
  box.add("a/one.txt");
  {
    auto idx = box.index();
    git::check(git_index_remove_bypath(idx.get(), "b/two.txt"), "rm");
    git::check(git_index_remove_bypath(idx.get(), "c/keep.txt"), "rm");
    git::check(git_index_write(idx.get()), "write");
  }
  box.write("d/new.txt", "n\n");
  box.add("d/new.txt");
  box.write("e/kept.txt", "k\n");
  box.add("e/kept.txt");
  const std::string expected = "M a/one.txt\nD b/two.txt\nD c/keep.txt\nA d/new.txt\nA e/kept.txt\n";

  SECTION("index without a valid cache tree") {
    CHECK_FALSE(git::index_file_tree(box.root() / ".git" / "index"));
    CHECK(changes(git::staged_changes(box.repo())) == expected);
  }
  SECTION("index with a valid cache tree") {
    auto idx = box.index();
    git_oid tree;
    git::check(git_index_write_tree(&tree, idx.get()), "write tree");
    git::check(git_index_write(idx.get()), "write");
    REQUIRE(git::index_file_tree(box.root() / ".git" / "index"));
    CHECK(changes(git::staged_changes(box.repo())) == expected);
  }
}

TEST_CASE("staged: everything is added on an unborn branch", "[staged]") {
  const Sandbox box;
  box.write("x.txt", "x\n");
  box.add("x.txt");
  CHECK(changes(git::staged_changes(box.repo())) == "A x.txt\n");
}

TEST_CASE("staged: hooks are installed without clobbering", "[staged]") {
  const Sandbox box;
  const fs::path dir = box.dir() / "hooks";
  const std::string ours = "#!/bin/sh\n# ours\nexec wave\n";

  SECTION("into an empty directory, then unchanged") {
    auto r = git::install_hook(dir, "pre-commit", ours, "# ours");
    CHECK(r.status == git::HookStatus::installed);
    CHECK(slurp(dir / "pre-commit") == ours);
    CHECK((fs::status(dir / "pre-commit").permissions() & fs::perms::owner_exec) != fs::perms::none);
    CHECK(git::install_hook(dir, "pre-commit", ours, "# ours").status == git::HookStatus::unchanged);
    CHECK(git::install_hook(dir, "pre-commit", ours + "# v2\n", "# ours").status == git::HookStatus::updated);
  }
  SECTION("another hook is kept and chained, once") {
    fs::create_directories(dir);
    std::ofstream(dir / "pre-commit") << "#!/bin/sh\necho theirs\n";
    auto r = git::install_hook(dir, "pre-commit", ours, "# ours");
    CHECK(r.status == git::HookStatus::chained);
    CHECK(slurp(dir / "pre-commit.wave-chained") == "#!/bin/sh\necho theirs\n");
    CHECK(git::install_hook(dir, "pre-commit", ours, "# ours").status == git::HookStatus::unchanged);
    CHECK(git::uninstall_hook(dir, "pre-commit", "# ours") == git::HookRemoval::restored);
    CHECK(slurp(dir / "pre-commit") == "#!/bin/sh\necho theirs\n");
    CHECK_FALSE(fs::exists(dir / "pre-commit.wave-chained"));
  }
  SECTION("a hook replaced after ours was installed is not overwritten") {
    fs::create_directories(dir);
    std::ofstream(dir / "pre-commit") << "#!/bin/sh\necho first\n";
    git::install_hook(dir, "pre-commit", ours, "# ours");
    std::ofstream(dir / "pre-commit") << "#!/bin/sh\necho second\n";
    CHECK_THROWS_WITH(git::install_hook(dir, "pre-commit", ours, "# ours"), Catch::Contains("both"));
    CHECK(slurp(dir / "pre-commit") == "#!/bin/sh\necho second\n");
    CHECK(slurp(dir / "pre-commit.wave-chained") == "#!/bin/sh\necho first\n");
  }
  SECTION("a hook manager's script that runs git wave is left alone") {
    fs::create_directories(dir);
    std::ofstream(dir / "pre-commit") << "#!/bin/sh\nlint\ngit wave hook pre-commit\n";
    CHECK(git::install_hook(dir, "pre-commit", ours, "# ours").status == git::HookStatus::integrated);
    CHECK_FALSE(fs::exists(dir / "pre-commit.wave-chained"));
    CHECK(git::uninstall_hook(dir, "pre-commit", "# ours") == git::HookRemoval::foreign);
  }
  SECTION("removing when there is nothing") {
    CHECK(git::uninstall_hook(dir, "pre-commit", "# ours") == git::HookRemoval::absent);
  }
}

TEST_CASE("staged: the hooks directory follows core.hooksPath", "[staged]") {
  const Sandbox box;
  CHECK(git::hooks_dir(box.repo()).path == box.root() / ".git" / "hooks");
  git_config* raw = nullptr;
  git::check(git_repository_config(&raw, box.repo()), "config");
  const git::Config cfg(raw);
  git::check(git_config_set_string(cfg.get(), "core.hooksPath", "/srv/hooks"), "set");
  auto abs = git::hooks_dir(box.repo());
  CHECK(abs.path == "/srv/hooks");
  CHECK_FALSE(abs.per_worktree);
  git::check(git_config_set_string(cfg.get(), "core.hooksPath", ".husky/_"), "set");
  auto rel = git::hooks_dir(box.repo());
  CHECK(rel.path == box.root() / ".husky" / "_");
  CHECK(rel.per_worktree);
  CHECK(rel.configured == ".husky/_");
}
