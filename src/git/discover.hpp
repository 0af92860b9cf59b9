#pragma once

#include "git/handle.hpp"

// Finding the repository a command runs in, the way git does.
namespace wave::git {

// The repository around the current directory, honouring GIT_DIR,
// GIT_WORK_TREE, GIT_CEILING_DIRECTORIES and the other variables git reads.
// Throws Error "not a git repository (or any of the parent directories)".
Repo discover();

} // namespace wave::git
