#pragma once

#include <git2.h>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

// Claims: who works on which agent of a run when workers on many machines
// drain a wave without a lead handing out tasks. A claim is the ref
// `refs/wave/<run>/claims/<agent>`, created on the remote by a push that
// fails when the ref exists: an atomic lock on any git server. It points at
// a parentless commit whose message says who claimed it, where and when.
namespace wave::run {

struct Claim {
  std::string agent;
  std::string commit; // the claim commit's id
  std::string by;     // "Name <email> on host"
  std::string at;     // ISO-8601 UTC
};

// "refs/wave/<run>/claims/<agent>".
std::string claim_ref(std::string_view run, std::string_view agent);

// The message of a claim commit, and the claim a message says.
std::string claim_message(std::string_view run, std::string_view agent, std::string_view by, std::string_view at);
Claim parse_claim_message(std::string_view agent, std::string_view commit, std::string_view message);

// The claims this clone made and holds: their commit ids are kept in
// <common git dir>/wave/<run>/claimed/<agent> (the claim refs here are only
// a mirror of the remote's, so they cannot tell whose a claim is).
std::filesystem::path own_claim_file(git_repository* repo, std::string_view run, std::string_view agent);

// The claims of `run` as this repository knows them (fetched from the
// remote), by agent.
std::map<std::string, Claim> read_claims(git_repository* repo, std::string_view run);

} // namespace wave::run
