#pragma once

#include <git2.h>

#include <string>

// Which run a command about a run (status, prompt) acts on.
namespace wave::run {

// `--run` when given; else the run of the current branch; else the only run;
// else the run named by the plan in the working tree (read quietly: a plan
// that cannot be read is no hint). Throws Error when nothing tells.
std::string select_run(git_repository* repo, const std::string& option);

} // namespace wave::run
