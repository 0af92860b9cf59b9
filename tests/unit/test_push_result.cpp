// Why a push was refused, as told to the user: the line of git's output that
// says it (git push --porcelain --atomic), not the whole transcript.
#include <catch.hpp>

#include "git/remote.hpp"

using wave::git::PushResult;

TEST_CASE("push: a server's own words come first", "[remote]") {
  const PushResult r{
      false, "remote: error: cannot lock ref 'refs/heads/main': is at 1111 but expected 2222        \n"
             "error: failed to push some refs to 'file:///srv/app.git'\n"
             "To file:///srv/app.git\n"
             "!\t3333:refs/heads/main\t[remote rejected] (atomic transaction failed)\n"
             "Done\n"};
  CHECK(r.why() == "cannot lock ref 'refs/heads/main': is at 1111 but expected 2222");
}

TEST_CASE("push: a ref git refused itself, named by its destination", "[remote]") {
  const PushResult r{false, "To file:///srv/app.git\n"
                            "!\t:refs/heads/wave/r/a\t[rejected] (atomic push failed)\n"
                            "!\t4444:refs/wave/r/state\t[rejected] (stale info)\n"
                            "Done\n"
                            "error: failed to push some refs to 'file:///srv/app.git'\n"};
  CHECK(r.why() == "refs/wave/r/state: [rejected] (stale info)");
}

TEST_CASE("push: git's own error line, else the first line", "[remote]") {
  CHECK(PushResult{false, "error: dst ref refs/heads/x receives from more than one src\n"
                          "error: failed to push some refs to 'origin'\n"}
            .why() == "dst ref refs/heads/x receives from more than one src");
  CHECK(PushResult{false, "\nfatal: 'nowhere' does not appear to be a git repository\n"}.why() ==
        "fatal: 'nowhere' does not appear to be a git repository");
  CHECK(PushResult{false, ""}.why().empty());
}
