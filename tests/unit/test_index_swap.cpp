#include <catch.hpp>

#include "gate_support.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/index_swap.hpp"

#include <fstream>

using namespace wave;
using test::TempRepo;
using test::trim_nl;
namespace fs = std::filesystem;

namespace {

// The repository's index with `path` staged at `content`, written to
// `prepared` (the index itself unchanged).
void prepare_with(const TempRepo& repo, const std::string& path, const std::string& content,
                  const fs::path& prepared) {
  const auto r = repo.open();
  git_index* raw = nullptr;
  git::check(git_repository_index(&raw, r.get()), "index");
  const git::Index index(raw);
  git_oid blob;
  git::check(git_blob_create_from_buffer(&blob, r.get(), content.data(), content.size()), "blob");
  git_index_entry e{};
  e.path = path.c_str();
  e.mode = GIT_FILEMODE_BLOB;
  e.id = blob;
  git::check(git_index_add(index.get(), &e), "add");
  git::prepare_index(index.get(), prepared);
}

} // namespace

TEST_CASE("index_swap: a prepared index is installed, or an interrupted install finished", "[index_swap]") {
  TempRepo repo("swap");
  repo.write("a.txt", "1\n");
  repo.commit_all("base");
  const fs::path gitdir = repo.dir() / ".git";
  const fs::path index = gitdir / "index";
  const fs::path prepared = gitdir / "wave-test-index";
  prepare_with(repo, "b.txt", "2\n", prepared);
  CHECK(trim_nl(repo.git("ls-files")) == "a.txt");

  SECTION("installed: the index is the prepared file, no lock is left") {
    git::install_index(prepared, index, repo.dir());
    CHECK(git::same_file(prepared, index));
    CHECK_FALSE(fs::exists(git::lock_of(index)));
    CHECK(repo.git("ls-files") == "a.txt\nb.txt\n");
    CHECK(git::finish_index_install(prepared, index, repo.dir()));
  }
  SECTION("git's lock taken: refused, the index unchanged, the lock not ours left alone") {
    std::ofstream(git::lock_of(index)) << "";
    CHECK_THROWS_WITH(git::install_index(prepared, index, repo.dir(), {"nothing was changed"}),
                      Catch::Contains("is locked") && Catch::Contains("index.lock' exists"));
    CHECK(fs::exists(git::lock_of(index)));
    CHECK_FALSE(git::finish_index_install(prepared, index, repo.dir()));
    fs::remove(git::lock_of(index));
    CHECK(trim_nl(repo.git("ls-files")) == "a.txt");
  }
  SECTION("killed between the link and the rename: the lock is ours, and finished") {
    fs::create_hard_link(prepared, git::lock_of(index));
    CHECK(git::finish_index_install(prepared, index, repo.dir()));
    CHECK_FALSE(fs::exists(git::lock_of(index)));
    CHECK(repo.git("ls-files") == "a.txt\nb.txt\n");
  }
  SECTION("killed before the link: nothing to finish") {
    CHECK_FALSE(git::finish_index_install(prepared, index, repo.dir()));
    CHECK(trim_nl(repo.git("ls-files")) == "a.txt");
  }
}
