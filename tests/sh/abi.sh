#!/bin/sh
# The binary interface of libtier.so: a program built against one tier.h
# runs on a library of the same TIER_ABI (the soname libtier.so.ABI).  The
# size and alignment of every public struct tier.h defines are held in
# tests/abi-layout.txt with the ABI number they belong to; when they change
# while TIER_ABI stays, this fails: bump TIER_ABI (and the version) and
# write the new layout (ABI_UPDATE=1 sh tests/sh/abi.sh).  A field moved
# without changing the size is not seen: review those by hand.  The
# sizes are those of 64-bit Linux (LP64); elsewhere the test is skipped.
cc=${TIER_CC:-cc}
fail() { echo "FAIL: $*"; exit 1; }
abi=$(sed -n 's/^#define TIER_ABI \([0-9]*\).*/\1/p' include/tier.h)
[ -n "$abi" ] || fail "include/tier.h defines no TIER_ABI"
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
structs=$(sed -n 's/^typedef struct \(tier_[a-z0-9_]*\) {.*/\1/p' include/tier.h)
[ -n "$structs" ] || fail "no public struct found in include/tier.h"
{
  echo '#include <stdio.h>'
  echo '#include "tier.h"'
  echo 'int main(void) {'
  echo '  if (sizeof(void *) != 8 || sizeof(long) != 8) return 77; /* the file holds LP64 layouts */'
  printf '  printf("abi %s\\n");\n' "$abi"
  for s in $structs; do
    printf '  printf("%%s size %%zu align %%zu\\n", "%s", sizeof(%s), _Alignof(%s));\n' "$s" "$s" "$s"
  done
  echo '  return 0;'
  echo '}'
} > "$t/abi.c"
$cc -std=c11 -Iinclude -o "$t/abi" "$t/abi.c" || fail "cannot compile the layout probe"
"$t/abi" > "$t/now"
case $? in
  0) ;;
  77) echo "skip: tests/abi-layout.txt holds 64-bit (LP64) layouts"; exit 77 ;;
  *) fail "the layout probe failed" ;;
esac
if [ "${ABI_UPDATE:-}" = 1 ]; then
  cp "$t/now" tests/abi-layout.txt && echo "ok: tests/abi-layout.txt written for ABI $abi"
  exit 0
fi
[ -f tests/abi-layout.txt ] || fail "tests/abi-layout.txt is missing (ABI_UPDATE=1 sh tests/sh/abi.sh)"
if ! cmp -s "$t/now" tests/abi-layout.txt; then
  if [ "$(head -1 tests/abi-layout.txt)" = "abi $abi" ]; then
    diff tests/abi-layout.txt "$t/now" | sed 's/^/  /'
    fail "public structs changed but TIER_ABI is still $abi: a program built against the old tier.h would misread them; bump TIER_ABI in include/tier.h, then ABI_UPDATE=1 sh tests/sh/abi.sh"
  fi
  fail "TIER_ABI is $abi but tests/abi-layout.txt holds $(head -1 tests/abi-layout.txt): write the new layout (ABI_UPDATE=1 sh tests/sh/abi.sh)"
fi
echo "ok: ABI $abi: $(echo $structs | wc -w) public structs as tests/abi-layout.txt holds them"
