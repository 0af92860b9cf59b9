#include "cli/parser.hpp"

#include "core/error.hpp"
#include "util/strings.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace wave::cli {

namespace {

// CLI11 reads an argument in brackets ("[ab]", a glob) given to a list of
// values as the list "ab" (its own syntax for defaults and config files).
// Arguments are taken literally: one that starts with '[' (or with this
// mark) is handed to CLI11 behind the mark, taken off again after parsing.
constexpr char literal_mark = '\x01';

bool needs_mark(const std::string& arg) {
  return !arg.empty() && (arg.front() == '[' || arg.front() == literal_mark);
}

void unmark(std::string& value) {
  if (!value.empty() && value.front() == literal_mark) {
    value.erase(0, 1);
  }
}

CLI::Option* shown_as(CLI::Option* opt, std::string_view value_name) {
  if (!value_name.empty()) {
    opt->option_text(std::string(value_name));
  }
  return opt;
}

// An empty value ("--run ''") is a mistake, never "not given": a usage error.
const CLI::Validator& non_empty() {
  static const CLI::Validator validator(
      [](std::string& value) {
        return value.empty() ? std::string("an empty value is not allowed") : std::string();
      },
      "", "non-empty");
  return validator;
}

} // namespace

Parser::Parser(std::string_view name, std::string_view synopsis, std::string_view description)
    : m_app(std::make_unique<CLI::App>(std::string(description), fmt::format("git wave {}", name))) {
  m_app->footer(fmt::format("usage: {}", synopsis));
  m_app->get_formatter()->column_width(28);
}

Parser::~Parser() = default;

void Parser::flag(std::string_view names, bool& value, std::string_view help) {
  m_app->add_flag(std::string(names), value, std::string(help));
}

void Parser::option(std::string_view names, std::string& value, std::string_view help,
                    std::string_view value_name) {
  shown_as(m_app->add_option(std::string(names), value, std::string(help)), value_name)->check(non_empty());
  m_strings.push_back(&value);
}

void Parser::option(std::string_view names, unsigned& value, std::string_view help,
                    std::string_view value_name, unsigned min, unsigned max) {
  shown_as(m_app->add_option(std::string(names), value, std::string(help))->check(CLI::Range(min, max)),
           value_name);
}

void Parser::choice(std::string_view names, std::string& value, const std::vector<std::string>& choices,
                    std::string_view help, std::string_view value_name) {
  shown_as(m_app->add_option(std::string(names), value, std::string(help)), value_name)
      ->check(CLI::IsMember(choices));
  m_strings.push_back(&value);
}

void Parser::positional(std::string_view name, std::string& value, std::string_view help,
                        std::string_view value_name, bool required) {
  shown_as(m_app->add_option(std::string(name), value, std::string(help)), value_name)
      ->required(required)
      ->check(non_empty());
  m_strings.push_back(&value);
}

void Parser::positionals(std::string_view name, std::vector<std::string>& values, std::string_view help,
                         std::string_view value_name) {
  shown_as(m_app->add_option(std::string(name), values, std::string(help)), value_name)->check(non_empty());
  m_lists.push_back(&values);
}

void Parser::color(std::optional<ColorWhen>& when) {
  m_app
      ->add_option_function<std::string>(
          "--color",
          [&when](const std::string& value) {
            when = parse_color_when(value);
            if (!when) {
              throw CLI::ValidationError("--color",
                                         fmt::format("invalid value '{}': use always, never or auto", value));
            }
          },
          "colour the output: always, never or auto (default)")
      ->option_text("<when>");
}

void Parser::run(std::string& name, std::string_view help) {
  option("--run", name, help, "<name>");
}

void Parser::remote(std::string& name) {
  option("--remote", name,
         "the remote the run is kept on (default: the plan's 'remote'); fetch from it first, "
         "publish to it with one atomic push",
         "<name>");
}

void Parser::plan(std::string& path, std::string_view help) {
  option("--plan", path, help, "<path>");
}

void Parser::parse(const Args& args) {
  // Like git's: the completion scripts ask the command for its options.
  if (args.size() == 1 && args[0] == "--git-completion-helper") {
    std::vector<std::string> names;
    for (const CLI::Option* opt : m_app->get_options()) {
      for (const auto& l : opt->get_lnames()) {
        names.push_back("--" + l + (opt->get_items_expected_min() > 0 ? "=" : ""));
      }
    }
    fmt::print("{}\n", util::join(names, " "));
    throw Exit(exit_code::ok);
  }
  std::vector<std::string> reversed;
  reversed.reserve(args.size());
  for (auto it = args.rbegin(); it != args.rend(); ++it) {
    reversed.push_back(needs_mark(*it) ? literal_mark + *it : *it);
  }
  try {
    m_app->parse(reversed);
    for (std::string* value : m_strings) {
      unmark(*value);
    }
    for (auto* list : m_lists) {
      for (auto& value : *list) {
        unmark(value);
      }
    }
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", m_app->help());
    throw Exit(exit_code::ok);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    what.erase(std::remove(what.begin(), what.end(), literal_mark), what.end());
    if (!what.empty()) {
      what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
    }
    throw UsageError(what, {fmt::format("see '{} -h'", m_app->get_name())});
  }
}

bool Parser::given(std::string_view name) const {
  return m_app->count(std::string(name)) > 0;
}

} // namespace wave::cli
