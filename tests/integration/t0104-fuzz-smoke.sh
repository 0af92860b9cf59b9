#!/usr/bin/env bash
# The libFuzzer targets (fuzz/) build with clang and run briefly without a
# crash. Skipped, as 0 passed, when clang or its libFuzzer is missing; the
# long run is `bash fuzz/run.sh [SECONDS]`.
. "$(dirname "$0")/lib.sh"

echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' >probe.cpp
if ! command -v clang++ >/dev/null || ! clang++ -fsanitize=fuzzer probe.cpp -o probe >/dev/null 2>&1; then
  echo "# clang++ with libFuzzer not found: skipped"
  exit 0
fi

test_case "fuzz_plan and fuzz_pattern run 15 seconds each without a crash"
run env WAVE_FUZZ_BUILD_DIR="$GIT_WAVE_BUILD_DIR/fuzz-smoke" bash "$SOURCE_DIR/fuzz/run.sh" 15 --no-install
cat "$TEST_DIR/out"
expect_rc 0
expect_out "fuzz_plan: "
expect_out "fuzz_pattern: "
expect_out ", 0 crash(es), exit 0"
expect_no_out ", 1 crash(es)"
