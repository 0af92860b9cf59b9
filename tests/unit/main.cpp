#define CATCH_CONFIG_RUNNER
#include <catch.hpp>

#include "git/handle.hpp"

int main(int argc, char* argv[]) {
  const wave::git::Library libgit2;
  return Catch::Session().run(argc, argv);
}
