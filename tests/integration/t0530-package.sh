#!/usr/bin/env bash
# The Debian package (issue 10, item 16): a stripped binary, man pages
# compressed with gzip -9n (no name, no time stamp), and a copyright file.
. "$(dirname "$0")/lib.sh"

command -v cpack >/dev/null && command -v dpkg-deb >/dev/null && command -v readelf >/dev/null || {
  echo "# skipped: cpack, dpkg-deb or readelf is not installed"
  echo "0 passed, 0 failed"
  exit 0
}

test_case "the .deb ships a stripped binary, gzip -9n man pages and a copyright file"
run cpack --config "$GIT_WAVE_BUILD_DIR/CPackConfig.cmake" -G DEB -B "$TEST_DIR/pkg"
expect_rc 0
deb=$(ls "$TEST_DIR"/pkg/git-wave_*.deb)
[ -f "$deb" ] || fail "no package in $TEST_DIR/pkg: $(cat "$TEST_DIR/out")"
dpkg-deb -x "$deb" "$TEST_DIR/root"
root=$TEST_DIR/root/usr
[ -x "$root/bin/git-wave" ] || fail "no /usr/bin/git-wave"
sections=$(readelf -S "$root/bin/git-wave")
! grep -qE '\.symtab|\.debug_' <<<"$sections" || fail "the binary is not stripped"
"$root/bin/git-wave" --version >/dev/null || fail "the packaged binary does not run"
[ -f "$root/share/doc/git-wave/copyright" ] || fail "no /usr/share/doc/git-wave/copyright"
grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
  "$root/share/doc/git-wave/copyright" || fail "the copyright file is not in Debian's format"
for page in "$SOURCE_DIR"/man/*.1 "$SOURCE_DIR"/man/*.5; do
  name=$(basename "$page")
  gz=$root/share/man/man${name##*.}/$name.gz
  [ -f "$gz" ] || fail "no $name.gz in the package"
  [ ! -e "${gz%.gz}" ] || fail "$name is there uncompressed too"
  cmp -s "$page" <(gzip -dc "$gz") || fail "$name.gz is not $name"
  # gzip -n: no original name (flag 0x08) and a zero time stamp.
  header=$(od -An -tx1 -N8 "$gz" | tr -d ' \n')
  [ "${header:6:2}" = "00" ] && [ "${header:8:8}" = "00000000" ] || fail "$name.gz keeps a name or a time ($header)"
done
