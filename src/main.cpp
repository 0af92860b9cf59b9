#include "cli/app.hpp"
#include "commands.hpp"

int main(int argc, char** argv) {
  return wave::cli::main(argc, argv, wave::commands(), wave::internal_commands());
}
