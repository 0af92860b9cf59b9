#pragma once

#include <optional>
#include <string>
#include <string_view>

// git's rules for reference names, as `git check-ref-format` applies them
// (refs.c check_refname_format), without libgit2: plan names become refs
// (refs/heads/wave/<run>/<agent>, refs/wave/<run>/state) and are checked
// before any ref is written.
namespace wave::git {

// Why `name` is not a valid reference name (`git check-ref-format NAME`; with
// `allow_onelevel`, `--allow-onelevel`), or nullopt when it is. The reason
// is a lowercase phrase: "contains '..'", "ends with '.lock'", ...
std::optional<std::string> refname_problem(std::string_view name, bool allow_onelevel);

// Why `name` cannot be a branch name (`git check-ref-format --branch NAME`
// outside a repository: refs/heads/NAME must be valid, and NAME may not start
// with '-' or be "HEAD"); "@" is refused too (git reads it as HEAD).
std::optional<std::string> branch_name_problem(std::string_view name);

// Why `name` cannot be one component of a ref (a run or agent name): the
// rules of `--allow-onelevel`, no '/', and no leading '-' (it would read as
// an option on a command line).
std::optional<std::string> ref_component_problem(std::string_view name);

// Why `name` cannot be a remote's name (git's valid_remote_name():
// refs/remotes/NAME/test must be a valid ref name), or nullopt; a leading
// '-' is refused too (it would read as an option).
std::optional<std::string> remote_name_problem(std::string_view name);

} // namespace wave::git
