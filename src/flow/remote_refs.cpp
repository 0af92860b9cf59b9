#include "flow/remote_refs.hpp"

#include "git/check.hpp"

#include <fmt/format.h>

namespace wave::flow::refs {

bool same(const git_oid& a, const git_oid& b) {
  return git_oid_equal(&a, &b) != 0;
}

bool contains(git_repository* repo, const git_oid& later, const git_oid& earlier) {
  return same(later, earlier) || git_graph_descendant_of(repo, &later, &earlier) == 1;
}

std::map<std::string, git_oid> refs_matching(git_repository* repo, const std::string& glob) {
  std::map<std::string, git_oid> out;
  git_reference_iterator* raw = nullptr;
  git::check(git_reference_iterator_glob_new(&raw, repo, glob.c_str()), "cannot list references");
  git_reference* ref = nullptr;
  while (git_reference_next(&ref, raw) == 0) {
    if (const git_oid* target = git_reference_target(ref)) {
      out.emplace(git_reference_name(ref), *target);
    }
    git_reference_free(ref);
  }
  git_reference_iterator_free(raw);
  return out;
}

bool archived(git_repository* repo, const std::string& run, const git_oid& oid) {
  for (const auto& [name, tip] : refs_matching(repo, fmt::format("refs/wave/{}/archive/*", run))) {
    if (contains(repo, tip, oid)) {
      return true;
    }
  }
  return false;
}

} // namespace wave::flow::refs
