#include "cli/app.hpp"

int main(int argc, char** argv) { return wave::cli::main(argc, argv); }
