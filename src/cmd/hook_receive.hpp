#pragma once

// `git wave hook pre-receive`: a server's check of a push (gate/receive),
// what it tells the pushing user, and its exit status.
namespace wave::cmd {

int pre_receive();

} // namespace wave::cmd
