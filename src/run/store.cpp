#include "run/store.hpp"

#include "git/check.hpp"
#include "git/identity.hpp"
#include "git/repo.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wave::run {

namespace {

constexpr const char* plan_entry = "plan.toml";
constexpr const char* state_entry = "state.json";

git_oid write_blob(git_repository* repo, std::string_view content) {
  git_oid id;
  git::check(git_blob_create_from_buffer(&id, repo, content.data(), content.size()), "cannot write blob");
  return id;
}

} // namespace

Conflict::Conflict(std::string_view run)
    : Error(fmt::format("the run '{}' changed underneath; re-run", run), exit_code::fatal,
            {"another git wave command updated the run at the same time; nothing was written"}) {}

std::string state_ref(std::string_view run) {
  return fmt::format("refs/wave/{}/state", run);
}

namespace {

// The state commit of `run` and its tree, or nothing when there is no run.
std::optional<std::pair<git_oid, git::Tree>> state_tree(git_repository* repo, const std::string& ref) {
  git_oid id;
  const int rc = git_reference_name_to_id(&id, repo, ref.c_str());
  if (rc == GIT_ENOTFOUND) {
    return std::nullopt;
  }
  git::check(rc, fmt::format("cannot read '{}'", ref));
  const git::Commit commit = git::lookup_commit(repo, id);
  return std::pair{id, git::commit_tree(commit.get())};
}

// An entry of the state tree, which must be there.
std::string state_file(git_repository* repo, const std::string& ref, git_tree* tree, const char* entry) {
  auto text = git::read_file(repo, tree, entry);
  if (!text) {
    throw Error(fmt::format("'{}' does not hold a run state (no {})", ref, entry), exit_code::fatal,
                {fmt::format("inspect it with 'git show {}'", ref)});
  }
  return std::move(*text);
}

} // namespace

namespace {

Stored read_state(git_repository* repo, std::string_view run, const std::string& where, const git_oid& id,
                  git_tree* tree) {
  Stored out{from_json_text(state_file(repo, where, tree, state_entry)), state_file(repo, where, tree, plan_entry),
             id};
  if (out.state.run != run) {
    throw Error(fmt::format("'{}' holds the state of run '{}'", where, out.state.run));
  }
  return out;
}

} // namespace

std::optional<Stored> load(git_repository* repo, std::string_view run) {
  const std::string ref = state_ref(run);
  const auto found = state_tree(repo, ref);
  if (!found) {
    return std::nullopt;
  }
  return read_state(repo, run, ref, found->first, found->second.get());
}

Stored load_at(git_repository* repo, std::string_view run, const git_oid& commit) {
  const git::Commit c = git::lookup_commit(repo, commit);
  const git::Tree tree = git::commit_tree(c.get());
  return read_state(repo, run, git::short_oid(commit), commit, tree.get());
}

std::optional<std::string> load_plan_text(git_repository* repo, std::string_view run) {
  const std::string ref = state_ref(run);
  const auto found = state_tree(repo, ref);
  if (!found) {
    return std::nullopt;
  }
  return state_file(repo, ref, found->second.get(), plan_entry);
}

git_oid save(git_repository* repo, std::string_view run, const State& state, std::string_view plan_text,
             std::string_view message, std::optional<git_oid> expected_old) {
  const std::string ref = state_ref(run);

  // Cheap early check; the ref update below is the one that counts.
  git_oid current;
  const int rc = git_reference_name_to_id(&current, repo, ref.c_str());
  if (rc != GIT_ENOTFOUND) {
    git::check(rc, fmt::format("cannot read '{}'", ref));
  }
  const bool exists = rc == 0;
  if (exists != expected_old.has_value() || (exists && git_oid_cmp(&current, &*expected_old) != 0)) {
    throw Conflict(run);
  }

  const git_oid plan_blob = write_blob(repo, plan_text);
  const git_oid state_blob = write_blob(repo, to_json_text(state));
  git_treebuilder* tb_raw = nullptr;
  git::check(git_treebuilder_new(&tb_raw, repo, nullptr), "cannot build tree");
  const git::TreeBuilder tb(tb_raw);
  git::check(git_treebuilder_insert(nullptr, tb.get(), plan_entry, &plan_blob, GIT_FILEMODE_BLOB),
             "cannot build tree");
  git::check(git_treebuilder_insert(nullptr, tb.get(), state_entry, &state_blob, GIT_FILEMODE_BLOB),
             "cannot build tree");
  git_oid tree_id;
  git::check(git_treebuilder_write(&tree_id, tb.get()), "cannot write tree");
  git_tree* tree_raw = nullptr;
  git::check(git_tree_lookup(&tree_raw, repo, &tree_id), "cannot read tree");
  const git::Tree tree(tree_raw);

  git::Commit parent;
  std::vector<const git_commit*> parents;
  if (expected_old) {
    parent = git::lookup_commit(repo, *expected_old);
    parents.push_back(parent.get());
  }
  const git::Signature sig = git::bookkeeping_identity(git::common_dir(repo));
  const std::string msg = std::string(message) + "\n";
  git_oid commit_id;
  git::check(git_commit_create(&commit_id, repo, nullptr, sig.get(), sig.get(), "UTF-8", msg.c_str(),
                               tree.get(), parents.size(), parents.data()),
             "cannot write the run state");

  git_reference* out = nullptr;
  const std::string log = fmt::format("git wave: {}", message);
  int update = 0;
  if (expected_old) {
    update =
        git_reference_create_matching(&out, repo, ref.c_str(), &commit_id, 1, &*expected_old, log.c_str());
  } else {
    update = git_reference_create(&out, repo, ref.c_str(), &commit_id, 0, log.c_str());
  }
  if (update == GIT_EEXISTS || update == GIT_EMODIFIED || update == GIT_ELOCKED || update == GIT_ENOTFOUND) {
    throw Conflict(run);
  }
  git::check(update, fmt::format("cannot update '{}'", ref));
  git_reference_free(out);
  return commit_id;
}

Stored update(git_repository* repo, std::string_view run, std::string_view message,
              const std::function<bool(State&)>& change) {
  for (int attempt = 0;; ++attempt) {
    auto stored = load(repo, run);
    if (!stored) {
      throw Error(fmt::format("the run '{}' disappeared from the repository", run), exit_code::fatal,
                  {fmt::format("'{}' was deleted while git wave worked on it", state_ref(run))});
    }
    if (!change(stored->state)) {
      return std::move(*stored);
    }
    try {
      stored->commit = save(repo, run, stored->state, stored->plan_text, message, stored->commit);
      return std::move(*stored);
    } catch (const Conflict&) {
      if (attempt >= 4) {
        throw;
      }
    }
  }
}

std::vector<std::string> list_runs(git_repository* repo) {
  git_reference_iterator* raw = nullptr;
  git::check(git_reference_iterator_glob_new(&raw, repo, "refs/wave/*"), "cannot list runs");
  const std::unique_ptr<git_reference_iterator, git::Free<git_reference_iterator_free>> it(raw);
  std::vector<std::string> runs;
  const char* name = nullptr;
  constexpr std::string_view prefix = "refs/wave/";
  constexpr std::string_view suffix = "/state";
  while (git_reference_next_name(&name, it.get()) == 0) {
    const std::string_view n(name);
    if (n.size() > prefix.size() + suffix.size() && n.substr(0, prefix.size()) == prefix &&
        n.substr(n.size() - suffix.size()) == suffix) {
      const auto run = n.substr(prefix.size(), n.size() - prefix.size() - suffix.size());
      if (run.find('/') == std::string_view::npos) {
        runs.emplace_back(run);
      }
    }
  }
  std::sort(runs.begin(), runs.end());
  return runs;
}

std::filesystem::path logs_dir(git_repository* repo, std::string_view run) {
  return git::common_dir(repo) / "wave" / std::string(run) / "logs";
}

} // namespace wave::run
