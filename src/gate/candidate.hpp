#pragma once

#include "git/handle.hpp"
#include "plan/model.hpp"

#include <optional>
#include <string>
#include <vector>

// The candidate: a wave's branches merged in plan order onto the integration
// tip, built entirely in memory. Nothing but unreferenced objects is written:
// no ref, no index, no working tree changes, so a failed build leaves no trace.
namespace wave::gate {

// One agent's branch, as the candidate takes it.
struct Branch {
  std::string agent;
  std::string task;
  std::string branch; // wave/<run>/<agent>, named in merge messages
  git_oid base{};     // the commit the agent branched from
  git_oid tip{};      // what is merged
  std::string title;  // the merge's subject; empty: from the task (plan::title_of)
};

struct CandidateSpec {
  std::string run;
  std::string wave;             // label, e.g. "2a"
  git_oid onto{};               // the integration tip
  std::vector<Branch> branches; // in plan order
  plan::MergeStyle style = plan::MergeStyle::merge;
};

// How one branch went in.
struct Applied {
  enum class How {
    fast,    // its tree diff applied onto the candidate (base was the tip, paths disjoint)
    merged,  // a true 3-way merge
    skipped, // nothing to merge: no commits of its own (or, squashed, no change)
  };
  std::string agent;
  How how = How::skipped;
  git_oid commit{}; // the candidate after this branch (unchanged when skipped)
};

struct Conflict {
  std::string agent;             // the branch that could not be merged
  std::vector<std::string> with; // earlier agents touching the same files; "the integration branch" when none
  std::vector<std::string> paths; // conflicting files
};

struct Candidate {
  git_oid commit{};                 // the final candidate (== onto when every branch was skipped)
  std::vector<Applied> applied;     // one per branch, in order
  std::optional<Conflict> conflict; // set when a branch could not be merged; commit is then meaningless
};

// The merge commit message for `b`: the subject "Merge wave 2 agent 'x':
// <title>" or, for squash, the title; then the task when it says more than
// the title; for squash, `commits` (the agent's own commit messages, as
// squashed_messages() gives them); then Wave-Run/Wave/Wave-Agent trailers.
std::string merge_message(const CandidateSpec& spec, const Branch& b, const std::string& commits = {});

// The messages of the commits from `b.base` to `b.tip`, oldest first, for
// the body of a squash: "* subject" then the rest of each message, indented.
std::string squashed_messages(git_repository* repo, const Branch& b);

// Builds the candidate. Throws wave::Error for repository errors (missing
// objects, no committer identity); a conflict is a result, not an error.
Candidate build_candidate(git_repository* repo, const CandidateSpec& spec);

} // namespace wave::gate
