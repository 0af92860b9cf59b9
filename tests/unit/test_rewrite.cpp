#include <catch.hpp>

#include "flow/rewrite.hpp"
#include "gate_support.hpp"
#include "git/check.hpp"

using namespace wave;
using test::TempRepo;
using test::trim_nl;

TEST_CASE("rewrite: foreign paths reset to the base, emptied commits dropped, merges kept", "[rewrite]") {
  TempRepo r("rewrite");
  r.write("src/a/x.txt", "x\n");
  r.write("src/b/y.txt", "y\n");
  r.write("lead.txt", "1\n");
  const auto base = r.commit_all("base");
  r.git("checkout -q -b agent");
  r.write("src/a/x.txt", "x2\n");
  r.commit_all("own work");
  r.write("src/b/y.txt", "sneaky\n");
  r.write("src/b/new.txt", "new\n");
  r.commit_all("foreign only");
  r.git("checkout -q main");
  r.write("lead.txt", "2\n");
  const auto moved = r.commit_all("lead moves main");
  r.git("checkout -q agent");
  r.git("merge -q --no-edit main");
  r.write("src/a/z.txt", "z\n");
  r.write("src/b/y.txt", "sneakier\n");
  r.commit_all("mixed");
  r.git("commit -q --allow-empty -m 'empty on purpose'");
  const auto tip = trim_nl(r.git("rev-parse HEAD"));

  const git::Repo repo = r.open();
  const auto out =
      flow::rewrite_without(repo.get(), git::oid_from(tip), {git::oid_from(base), git::oid_from(moved)},
                            git::oid_from(base), {"src/b/new.txt", "src/b/y.txt"});
  const std::string to = git::oid_str(out.tip);
  CHECK(out.dropped == 1);
  CHECK(trim_nl(r.git("log --format=%s " + to + " ^main")) ==
        "empty on purpose\nmixed\nMerge branch 'main' into agent\nown work");
  CHECK(trim_nl(r.git("diff --name-only main " + to)) == "src/a/x.txt\nsrc/a/z.txt");
  CHECK(trim_nl(r.git("show " + to + ":src/b/y.txt")) == "y");
  CHECK(trim_nl(r.git("show " + to + "^:lead.txt")) == "2");
  CHECK(trim_nl(r.git("log -1 --format='%an %s' " + to + "~2")) == "A U Thor Merge branch 'main' into agent");

  SECTION("the same input gives the same commits") {
    const auto again =
        flow::rewrite_without(repo.get(), git::oid_from(tip), {git::oid_from(base), git::oid_from(moved)},
                              git::oid_from(base), {"src/b/new.txt", "src/b/y.txt"});
    CHECK(git::oid_str(again.tip) == to);
  }
  SECTION("nothing to reset: the branch as it is") {
    const auto same = flow::rewrite_without(repo.get(), git::oid_from(tip), {git::oid_from(base)},
                                            git::oid_from(base), {"nowhere.txt"});
    CHECK(git::oid_str(same.tip) == tip);
    CHECK(same.commits == 0);
  }
}
