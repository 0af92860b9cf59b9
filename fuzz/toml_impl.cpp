// toml++'s implementation, compiled here (instrumented) rather than taken
// from the shared library, so the fuzzer sees the parser's branches.
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
