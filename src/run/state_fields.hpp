#pragma once

#include "core/error.hpp"
#include "run/state_names.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Reading state.json's objects field by field (state_json.cpp): every
// error names the field's path ("waves[0].gate.result"), and the fields
// not read are kept, so that a newer git wave's state survives this one.
namespace wave::run::detail {

using Json = nlohmann::ordered_json;

[[noreturn]] inline void invalid(std::string_view where, std::string_view what) {
  throw Error(fmt::format("invalid run state: {}: {}", where, what), exit_code::fatal,
              {"the state is written by git wave only; 'git log -p' of the state ref shows its history"});
}

// Reads the fields of one JSON object, remembering which were consumed so the
// rest can be kept as `extra`.
class Fields {
public:
  Fields(const Json& object, std::string where) : m_object(object), m_where(std::move(where)) {
    if (!m_object.is_object()) {
      invalid(m_where, "not an object");
    }
  }

  std::string path(std::string_view key) const {
    return m_where.empty() ? std::string(key) : fmt::format("{}.{}", m_where, key);
  }

  const Json* get(std::string_view key) {
    m_used.emplace_back(key);
    const auto it = m_object.find(std::string(key));
    return it == m_object.end() ? nullptr : &*it;
  }

  std::string text(std::string_view key, bool required = true) {
    const Json* v = get(key);
    if (v == nullptr) {
      if (required) {
        invalid(path(key), "missing");
      }
      return {};
    }
    if (!v->is_string()) {
      invalid(path(key), "not a string");
    }
    return v->get<std::string>();
  }

  // A string or null.
  std::optional<std::string> optional_text(std::string_view key) {
    const Json* v = get(key);
    if (v == nullptr || v->is_null()) {
      return std::nullopt;
    }
    if (!v->is_string()) {
      invalid(path(key), "not a string or null");
    }
    return v->get<std::string>();
  }

  std::int64_t integer(std::string_view key) {
    const Json* v = get(key);
    if (v == nullptr) {
      invalid(path(key), "missing");
    }
    if (!v->is_number_integer()) {
      invalid(path(key), "not an integer");
    }
    return v->get<std::int64_t>();
  }

  // One of the names of `Enum` (state_names.hpp), as its enumerator.
  template <class Enum> Enum choice(std::string_view key) {
    const auto value = text(key);
    const auto parsed = parse_name<Enum>(value);
    if (!parsed) {
      invalid(path(key), fmt::format("unknown value '{}'", value));
    }
    return *parsed;
  }

  bool boolean(std::string_view key) {
    const Json* v = get(key);
    if (v == nullptr) {
      return false;
    }
    if (!v->is_boolean()) {
      invalid(path(key), "not true or false");
    }
    return v->get<bool>();
  }

  // An array of strings (missing = empty).
  std::vector<std::string> strings(std::string_view key) {
    std::vector<std::string> out;
    const Json& a = array(key);
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_string()) {
        invalid(fmt::format("{}[{}]", path(key), i), "not a string");
      }
      out.push_back(a[i].get<std::string>());
    }
    return out;
  }

  // An array (missing = empty).
  const Json& array(std::string_view key) {
    static const Json empty = Json::array();
    const Json* v = get(key);
    if (v == nullptr) {
      return empty;
    }
    if (!v->is_array()) {
      invalid(path(key), "not an array");
    }
    return *v;
  }

  Json extra() const {
    Json out = Json::object();
    for (const auto& [key, value] : m_object.items()) {
      bool used = false;
      for (const auto& u : m_used) {
        if (u == key) {
          used = true;
          break;
        }
      }
      if (!used) {
        out[key] = value;
      }
    }
    return out;
  }

private:
  const Json& m_object;
  std::string m_where;
  std::vector<std::string> m_used;
};

} // namespace wave::run::detail
