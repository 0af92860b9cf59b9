#include "git/handle.hpp"

// git-wave never talks to a remote: it reads and writes the local repository
// only. A libgit2 built with mbedTLS (Debian's and Ubuntu's are) nevertheless
// parses the system's whole CA bundle inside git_libgit2_init(), some 53
// million instructions (about 10 ms): 85% of what `git wave hook pre-commit`
// executes, on every commit of every agent.
//
// Defining the function here skips that parse: the dynamic linker binds
// libgit2's call to the executable's definition before mbedTLS's own. The
// trust store stays empty, so an HTTPS connection, were one ever made, would
// fail certificate verification rather than pass it. With a libgit2 built on
// OpenSSL nothing calls this and nothing changes.
extern "C" int mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) {
  return 0;
}

namespace wave::git {

Library::Library() {
  git_libgit2_init();
}

Library::~Library() {
  git_libgit2_shutdown();
}

} // namespace wave::git
