#!/usr/bin/env bash
# The corpus of hostile plans (tests/hostile/generate.py, some 800 plans):
# every one is answered, valid (exit 0) or refused (exit 128), never a
# crash (under the sanitizer build in CI, no report either); every error is
# located (FILE:LINE:COL: error: ...) and followed by a hint; no raw control
# character reaches the output. Times are printed, not asserted.
. "$(dirname "$0")/lib.sh"

python3 "$SOURCE_DIR/tests/hostile/generate.py" corpus >/dev/null
mkdir -p logs
control=$(printf '[\001-\011\013-\037\177]')

# WAVE_HOSTILE_SAMPLE=N takes every N-th plan: .ci/run's sanitized pass,
# where each command starts several times slower, after the whole corpus
# ran unsanitized.
sample=${WAVE_HOSTILE_SAMPLE:-1}

test_case "every hostile plan is answered with located errors and hints"
total=0 valid=0 refused=0 slowest=0 slowest_plan="" seen=0
for plan in corpus/*.toml; do
  seen=$((seen + 1))
  [ $(((seen - 1) % sample)) -eq 0 ] || continue
  name=$(basename "$plan" .toml)
  start=$(date +%s%N)
  set +e
  git wave plan --plan "$plan" >"logs/$name.out" 2>"logs/$name.err"
  rc=$?
  set -e
  ms=$((($(date +%s%N) - start) / 1000000))
  if [ "$ms" -gt "$slowest" ]; then slowest=$ms slowest_plan=$name; fi
  total=$((total + 1))
  case $rc in
  0) valid=$((valid + 1)) ;;
  128) refused=$((refused + 1)) ;;
  *) fail "$name: exit $rc; stderr: $(head -c 2000 "logs/$name.err" | cat -v)" ;;
  esac
  if LC_ALL=C grep -q "$control" "logs/$name.out" "logs/$name.err"; then
    fail "$name: raw control character in the output: $(head -c 2000 "logs/$name.err" | cat -v)"
  fi
  [ "$rc" -eq 0 ] && continue
  grep -Eq "^[^ ]+:[0-9]+:[0-9]+: error: " "logs/$name.err" ||
    fail "$name: no located error: $(head -c 2000 "logs/$name.err" | cat -v)"
  # Every diagnostic error line is followed by its hint line.
  awk '/: error: / && !/^error: / { want = 1; what = $0; next }
       want && !/^hint: / { print "no hint after: " what; bad = 1 }
       { want = 0 }
       END { if (want) { print "no hint after: " what; bad = 1 } exit bad }' "logs/$name.err" >"logs/$name.hints" ||
    fail "$name: $(head -c 1000 "logs/$name.hints" | cat -v)"
done
echo "# $total of $seen plans (every $sample): $valid valid, $refused refused; slowest ${slowest} ms ($slowest_plan)"
[ "$seen" -gt 500 ] || fail "only $seen plans in the corpus"
[ "$refused" -gt $((400 / sample)) ] || fail "only $refused plans refused"
