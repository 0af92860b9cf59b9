#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Who pushes, and what the server lets them push (`git wave hook
// pre-receive`): the identity the git server already authenticated, read
// from its environment, and the roles the server's own configuration gives
// identities. Nothing here comes from a push. Pure: no git, no process.
namespace wave::gate {

// Where an identity is read when `wave.receive.identityFrom` is not set, in
// this order, the first that is set and not empty winning: GitLab's,
// Gitea's and Forgejo's, a web server's (smart HTTP), an SSH forced
// command's.
const std::vector<std::string>& default_identity_sources();

// The source that takes the key of a signed push (`git push --signed`):
// it counts only when git verified the certificate (GIT_PUSH_CERT_STATUS
// "G") and its nonce (GIT_PUSH_CERT_NONCE_STATUS "OK").
inline constexpr std::string_view push_cert_source = "GIT_PUSH_CERT_KEY";

struct Pusher {
  std::string identity; // empty: none was found
  std::string source;   // the variable it came from
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The identity of the push: the first of `sources` that is set.
Pusher find_pusher(const std::vector<std::string>& sources, const EnvLookup& env);

// `wave.receive.agent`: "IDENTITY AGENT" (that agent in every run) or
// "IDENTITY RUN/AGENT".
struct AgentGrant {
  std::string identity;
  std::string run; // empty: any run
  std::string agent;
};

// Nothing when `value` is not one (no space, an empty part).
std::optional<AgentGrant> parse_agent_grant(std::string_view value);

enum class Role { none, agent, lead };

struct Roles {
  std::vector<std::string> leads; // wave.receive.lead
  std::vector<AgentGrant> agents; // wave.receive.agent

  // Whether the server gives roles at all: without, only the rules every
  // server keeps apply.
  bool configured() const noexcept { return !leads.empty() || !agents.empty(); }
  Role role_of(std::string_view identity) const;
  // Whether `identity` pushes for agent `agent` of run `run`.
  bool acts_as(std::string_view identity, std::string_view run, std::string_view agent) const;
};

} // namespace wave::gate
