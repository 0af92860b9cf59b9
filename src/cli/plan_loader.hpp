#pragma once

#include "plan/diagnostic.hpp"
#include "plan/file.hpp"
#include "plan/model.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"

#include <git2.h>

#include <filesystem>
#include <string>
#include <string_view>

// Finding, reading and reporting the plan for a command.
namespace wave::cli {

// Where the plan is and reading it (plan/file.hpp), as the commands name them.
using plan::PlanPath;
using plan::read_plan_file;
using plan::resolve_plan_path;

// Prints every diagnostic to stderr as "file:line:col: error: ..." with its
// hint line; "error:"/"warning:"/"note:" are coloured when stderr is a terminal.
void print_diagnostics(const plan::Diagnostics& diagnostics);

// Parses `text` (a plan read from anywhere, e.g. a tree snapshot; `shown` names
// it in messages), prints the diagnostics and throws Exit(128) after printing
// when there are errors.
plan::Plan load_plan_text(std::string_view text, std::string shown);

struct LoadedPlan {
  plan::Plan plan;
  PlanPath where;
};

// resolve_plan_path + read_plan_file + load_plan_text: the plan in the
// working tree, valid, or Exit(128) after printing what is wrong.
LoadedPlan load_plan(git_repository* repo, const std::string& option);

// plan::schedule() for a command about to act on the plan: prints the
// overlap errors and lints like load_plan_text and throws Exit(128) after
// printing when two agents of a wave overlap (unless split).
plan::Schedule schedule_plan(const plan::Plan& plan, bool split);

} // namespace wave::cli
