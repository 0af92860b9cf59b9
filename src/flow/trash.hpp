#pragma once

#include <git2.h>

#include <filesystem>

// Worktrees removed off the critical path: a folder is moved aside, into
// <common dir>/wave/trash/, with one rename on the same file system, and
// deleted there by a background process. Deleting 100,000 files takes
// seconds; the rename takes none, and the command goes on. A kill at any
// point leaves either the folder where it was or a folder in the trash,
// which the next command that empties the trash deletes.
namespace wave::flow {

// The trash folder of the repository.
std::filesystem::path trash_dir(git_repository* repo);

// Moves `path` (a worktree's folder, whose registration the caller then
// removes) into the trash. False, with nothing moved, when it cannot be
// renamed there (another file system): the caller deletes it in place.
bool move_to_trash(git_repository* repo, const std::filesystem::path& path);

// Starts the background deletion of what the trash holds, if anything.
// Deleters take <common dir>/wave/trash.flock (flock(2)) in turn: one that
// starts while another works waits for it, then deletes what is left.
// Without flock(1), the trash is deleted at once. Never throws.
void empty_trash(git_repository* repo);

} // namespace wave::flow
