#pragma once

#include <git2.h>

#include <filesystem>
#include <map>
#include <optional>
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

// The message of a claim commit, and the claim a message says. `token` is
// random (claim_token): it makes the commit one no other clone can write,
// even a worker with the same identity on the same host in the same second.
std::string claim_message(std::string_view run, std::string_view agent, std::string_view by,
                          std::string_view at, std::string_view token);
Claim parse_claim_message(std::string_view agent, std::string_view commit, std::string_view message);

// 128 random bits in hex, for claim_message.
std::string claim_token();

// The claims this clone made: their commit ids are kept in
// <common git dir>/wave/<run>/claimed/<agent> (the claim refs here are only
// a mirror of the remote's, so they cannot tell whose a claim is). A claim
// is recorded before its push, so that a claim kill cannot leave one on the
// remote that this clone does not know; a record is this clone's claim only
// while the remote's claim ref holds the recorded commit (reconcile_own_claims).
std::filesystem::path own_claim_file(git_repository* repo, std::string_view run, std::string_view agent);

// Records `commit` as this clone's claim of `agent`, replacing a record that
// was there; the file is absent or complete, even after a crash.
void record_own_claim(git_repository* repo, std::string_view run, std::string_view agent,
                      std::string_view commit);

// The claim commit recorded for `agent`, if any.
std::optional<std::string> own_claim(git_repository* repo, std::string_view run, std::string_view agent);

// Drops every record of `run` whose claim the remote does not hold with the
// recorded commit (a push that was refused or never made, a claim released
// since) and the half-written files of a killed record_own_claim. Call right
// after cli::fetch_run mirrored the remote's claims: against an older mirror
// a claim pushed but not yet fetched would look dropped.
void reconcile_own_claims(git_repository* repo, std::string_view run);

// Serialises the commands of this clone that read or write its claim
// records (claim, release): an flock(2) on <common git dir>/wave/<run>/
// claimed.lock, taken blocking. The descriptor is inherited by the git
// processes started meanwhile, so a claim killed while its push runs still
// holds it until that push ends: no other command of this clone takes the
// push's claim for one that was never made.
class ClaimRecordsLock {
public:
  ClaimRecordsLock(git_repository* repo, std::string_view run);
  ClaimRecordsLock(const ClaimRecordsLock&) = delete;
  ClaimRecordsLock& operator=(const ClaimRecordsLock&) = delete;
  ~ClaimRecordsLock();

private:
  int m_fd = -1;
};

// The claims of `run` as this repository knows them (fetched from the
// remote), by agent.
std::map<std::string, Claim> read_claims(git_repository* repo, std::string_view run);

} // namespace wave::run
