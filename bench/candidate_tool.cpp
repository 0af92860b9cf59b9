// Builds a candidate the way `git wave gate` does, for bench/candidate.sh:
//   candidate_tool REPO ONTO BRANCH... -> prints the candidate commit id.
// Every branch is taken as based on ONTO (a wave's branches start there).
#include "gate/candidate.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"

#include <fmt/format.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 3) {
    fmt::print(stderr, "usage: candidate_tool REPO ONTO BRANCH...\n");
    return 129;
  }
  const wave::git::Library libgit2;
  try {
    const auto repo = wave::git::open(argv[1]);
    wave::gate::CandidateSpec spec;
    spec.run = "bench";
    spec.wave = "1";
    const auto onto = wave::git::resolve_commit(repo.get(), argv[2]);
    if (!onto) {
      fmt::print(stderr, "unknown revision '{}'\n", argv[2]);
      return 128;
    }
    spec.onto = *onto;
    for (int i = 3; i < argc; ++i) {
      const auto tip = wave::git::resolve_commit(repo.get(), argv[i]);
      if (!tip) {
        fmt::print(stderr, "unknown revision '{}'\n", argv[i]);
        return 128;
      }
      spec.branches.push_back({argv[i], argv[i], argv[i], *onto, *tip});
    }
    const auto cand = wave::gate::build_candidate(repo.get(), spec);
    if (cand.conflict) {
      fmt::print(stderr, "conflict: {}\n", cand.conflict->agent);
      return 1;
    }
    fmt::print("{}\n", wave::git::oid_str(cand.commit));
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 128;
  }
  return 0;
}
