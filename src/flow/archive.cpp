#include "flow/archive.hpp"

#include "git/check.hpp"
#include "git/identity.hpp"
#include "git/handle.hpp"
#include "git/repo.hpp"

#include <fmt/format.h>

namespace wave::flow {

std::string next_archive_ref(git_repository* repo, const std::string& run, const std::string& label) {
  for (int n = 1;; ++n) {
    std::string ref = fmt::format("refs/wave/{}/archive/{}-{}", run, label, n);
    if (!git::resolve_commit(repo, ref)) {
      return ref;
    }
  }
}

Archive archive(git_repository* repo, const std::string& ref, const std::string& run, const git_oid& base,
                const std::vector<ArchiveEntry>& entries, const std::string& why) {
  Archive out;
  std::vector<git::Commit> parents;
  std::vector<const git_commit*> raw_parents;
  std::string body;
  for (const auto& e : entries) {
    if (git_oid_equal(&e.commit, &base) != 0) {
      continue;
    }
    parents.push_back(git::lookup_commit(repo, e.commit));
    raw_parents.push_back(parents.back().get());
    out.kept.push_back(e);
    body += fmt::format("{} {}\n", e.agent, git::oid_str(e.commit));
  }
  if (out.kept.empty()) {
    return out;
  }
  const git::Signature sig = git::bookkeeping_identity(git::common_dir(repo));
  const git::Commit base_commit = git::lookup_commit(repo, base);
  const git::Tree tree = git::commit_tree(base_commit.get());
  const std::string message = fmt::format("{}: archive of run {}\n\n{}", why, run, body);
  git_oid id;
  git::check(git_commit_create(&id, repo, nullptr, sig.get(), sig.get(), nullptr, message.c_str(), tree.get(),
                               raw_parents.size(), raw_parents.data()),
             "cannot write the archive commit");
  git_reference* raw = nullptr;
  const int rc = git_reference_create(&raw, repo, ref.c_str(), &id, 0, why.c_str());
  if (rc == GIT_EEXISTS) {
    git_error_clear(); // written by the same command before it was killed
  } else {
    git::check(rc, fmt::format("cannot create '{}'", ref));
    git_reference_free(raw);
  }
  out.ref = ref;
  return out;
}

} // namespace wave::flow
