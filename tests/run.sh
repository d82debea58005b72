#!/bin/sh
# tests/run.sh BUILD BIN UNIT_BINARIES... -- run every test and print one summary.
#
# 1. cmocka unit tests (one binary per stage);
# 2. golden tests of the CLIs: tests/golden/cases/NAME.cmd is one shell
#    command run from the top of the tree with bin/ first on PATH;
#    NAME.out is its expected stdout and stderr followed by "exit N".
#    UPDATE=1 sh tests/run.sh ... rewrites the .out files (review the diff!).
#    Tests run in English (LC_ALL=C.UTF-8, no LANGUAGE) whatever the caller's
#    locale; a case of Japanese output says LANGUAGE=ja in its command.
# The last line is "N passed, N failed"; the exit status is 1 on any failure.
# TIER_WRAP, when set, prefixes every CLI call (e.g. "valgrind -q ...").
build=$1
bindir=$2
shift 2
top=$(pwd)
export TIER_BIN="$top/$bindir"
export TIER_BUILD="$top/$build"
# Every test runs in English unless it asks for another language (a golden
# case of Japanese output sets LANGUAGE=ja); the catalogues are the build's.
export LC_ALL=C.UTF-8 TIER_LOCALEDIR="$top/$build/locale"
unset LANGUAGE COLUMNS
passed=0
failed=0
failures=""

for t in "$@"; do
  out=$("$t" 2>&1)
  rc=$?
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  p=${p:-0}
  f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$f" -ne 0 ]; then
    printf '%s\n' "$out" | grep -E 'FAILED|ERROR|Failure|error' | head -20
    failures="$failures $(basename "$t")"
  fi
  echo "unit $(basename "$t"): $p passed, $f failed"
  printf '%s\n' "$out" | sed -n "s/^skipped: /unit $(basename "$t"): skipped: /p"
done

wrapdir=$build/wrap
rm -rf "$wrapdir"
mkdir -p "$wrapdir"
for b in tierc tiervm; do
  if [ -n "$TIER_WRAP" ]; then
    printf '#!/bin/sh\nexec %s "%s/%s/%s" "$@"\n' "$TIER_WRAP" "$top" "$bindir" "$b" > "$wrapdir/$b"
  else
    printf '#!/bin/sh\nexec "%s/%s/%s" "$@"\n' "$top" "$bindir" "$b" > "$wrapdir/$b"
  fi
  chmod +x "$wrapdir/$b"
done

gp=0
gf=0
for cmd in tests/golden/cases/*.cmd; do
  [ -e "$cmd" ] || continue
  name=${cmd%.cmd}
  actual=$(PATH="$top/$wrapdir:$PATH" NO_COLOR=1 TZ=UTC sh -c "$(cat "$cmd")" 2>&1 < /dev/null; echo "exit $?")
  if [ -n "$UPDATE" ]; then
    printf '%s\n' "$actual" > "$name.out"
  fi
  if [ "$actual" = "$(cat "$name.out" 2>/dev/null)" ]; then
    gp=$((gp + 1))
  else
    gf=$((gf + 1))
    failures="$failures $(basename "$name")"
    echo "golden $(basename "$name"): FAILED"
    printf '%s\n' "$actual" | diff -u "$name.out" - | head -30
  fi
done
echo "golden: $gp passed, $gf failed"

# 3. shell tests: exit 0 pass, 77 skip, anything else fail
for t in tests/sh/*.sh; do
  [ -e "$t" ] || continue
  out=$(sh "$t" 2>&1)
  rc=$?
  echo "sh $(basename "$t"): $out"
  if [ $rc -eq 0 ]; then gp=$((gp + 1)); elif [ $rc -eq 77 ]; then :; else gf=$((gf + 1)); failures="$failures $(basename "$t")"; fi
done
passed=$((passed + gp))
failed=$((failed + gf))

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
