#include "render/finding_json.hpp"

#include "git/check.hpp"

namespace wave::render {

nlohmann::ordered_json finding_json(const gate::Finding& f) {
  return {{"agent", f.agent},
          {"path", f.path},
          {"owners", f.owners},
          {"protected", f.is_protected},
          {"alias", f.alias},
          {"commit", git_oid_is_zero(&f.commit) != 0 ? "" : git::oid_str(f.commit)}};
}

} // namespace wave::render
