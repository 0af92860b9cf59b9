#include "gate/receive_roles.hpp"

#include "util/strings.hpp"

#include <algorithm>

namespace wave::gate {

const std::vector<std::string>& default_identity_sources() {
  static const std::vector<std::string> sources = {"GL_USERNAME", "GITEA_PUSHER_NAME", "REMOTE_USER",
                                                   "WAVE_PUSHER"};
  return sources;
}

Pusher find_pusher(const std::vector<std::string>& sources, const EnvLookup& env) {
  for (const auto& source : sources) {
    const auto value = env(source);
    if (!value || value->empty()) {
      continue;
    }
    if (source == push_cert_source && (env("GIT_PUSH_CERT_STATUS").value_or("") != "G" ||
                                       env("GIT_PUSH_CERT_NONCE_STATUS").value_or("") != "OK")) {
      continue; // a certificate git did not verify names nobody
    }
    return {*value, source};
  }
  return {};
}

std::optional<AgentGrant> parse_agent_grant(std::string_view value) {
  value = util::trim(value);
  const auto space = value.find_last_of(" \t");
  if (space == std::string_view::npos) {
    return std::nullopt;
  }
  AgentGrant grant;
  grant.identity = std::string(util::trim(value.substr(0, space)));
  std::string_view target = value.substr(space + 1);
  if (const auto slash = target.find('/'); slash != std::string_view::npos) {
    grant.run = std::string(target.substr(0, slash));
    target.remove_prefix(slash + 1);
    if (grant.run.empty()) {
      return std::nullopt;
    }
  }
  grant.agent = std::string(target);
  if (grant.identity.empty() || grant.agent.empty() || grant.agent.find('/') != std::string::npos) {
    return std::nullopt;
  }
  return grant;
}

Role Roles::role_of(std::string_view identity) const {
  if (identity.empty()) {
    return Role::none;
  }
  if (std::find(leads.begin(), leads.end(), identity) != leads.end()) {
    return Role::lead;
  }
  for (const auto& a : agents) {
    if (a.identity == identity) {
      return Role::agent;
    }
  }
  return Role::none;
}

bool Roles::acts_as(std::string_view identity, std::string_view run, std::string_view agent) const {
  return std::any_of(agents.begin(), agents.end(), [&](const AgentGrant& a) {
    return a.identity == identity && a.agent == agent && (a.run.empty() || a.run == run);
  });
}

} // namespace wave::gate
