#!/bin/sh
# libtier exports the public API and nothing else, from the shared and from
# the static library: every global symbol libtier.so's dynamic table (nm -D)
# and libtier.a (nm -g) define is a function declared in include/tier.h, and
# every such function is there (a declaration without TIER_API would be
# hidden by -fvisibility=hidden; in libtier.a, objcopy --localize-hidden
# makes the hidden ones local).  Also: the soname is libtier.so.MAJOR,
# libtier.so -> libtier.so.MAJOR -> libtier.so.VERSION, and the shared
# library has no text relocations (its objects are position-independent).
lib=${TIER_LIB:-${TIER_BIN:-bin}/../lib}
for c in nm objdump; do
  command -v $c >/dev/null 2>&1 || { echo "skip: $c is not installed (binutils)"; exit 77; }
done
fail() { echo "FAIL: $*"; exit 1; }
version=$(sed -n 's/.*TIER_VERSION "\([^"]*\)".*/\1/p' include/tier.h)
major=$(sed -n 's/^#define TIER_ABI \([0-9]*\).*/\1/p' include/tier.h)
so=$lib/libtier.so.$version
[ -f "$so" ] && [ ! -L "$so" ] || fail "$so is missing (make all builds it)"
[ -L "$lib/libtier.so.$major" ] && [ "$lib/libtier.so.$major" -ef "$so" ] || fail "$lib/libtier.so.$major is not a link to libtier.so.$version"
[ -L "$lib/libtier.so" ] && [ "$lib/libtier.so" -ef "$so" ] || fail "$lib/libtier.so is not a link to libtier.so.$major"

t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
nm -D --defined-only "$so" > "$t/nm" || fail "nm -D $so"
awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' "$t/nm" | sort -u > "$t/exported"
# the functions of the public header: declarations start in column 0
grep -v '^[[:space:]#/*]' include/tier.h | grep -v '^typedef' |
  sed -n 's/^[^(]*[^A-Za-z0-9_]\(tier_[a-z0-9_]*\)(.*/\1/p' | sort -u > "$t/api"
[ -s "$t/api" ] || fail "no function declarations found in include/tier.h"

# check NAME FILE: FILE lists the symbols NAME defines, one a line, sorted
check() {
  extra=$(grep -v '^tier_' "$2")
  [ -z "$extra" ] || fail "$1 defines symbols outside the tier_ namespace: $(echo $extra | cut -c1-300)"
  missing=$(comm -23 "$t/api" "$2")
  [ -z "$missing" ] || fail "functions of tier.h that $1 does not define: $(echo $missing)"
  private=$(comm -13 "$t/api" "$2")
  [ -z "$private" ] || fail "$1 defines tier_ symbols that tier.h does not declare: $(echo $private)"
}
check libtier.so "$t/exported"
[ -f "$lib/libtier.a" ] || fail "$lib/libtier.a is missing (make all builds it)"
nm -g --defined-only "$lib/libtier.a" > "$t/nm.a" || fail "nm -g $lib/libtier.a"
awk 'NF >= 3 { print $3 }' "$t/nm.a" | sort -u > "$t/static"
check libtier.a "$t/static"

soname=$(objdump -p "$so" | sed -n 's/^ *SONAME *//p')
[ "$soname" = "libtier.so.$major" ] || fail "soname is '$soname', not libtier.so.$major"
objdump -p "$so" | grep -q TEXTREL && fail "libtier.so has text relocations (objects not built with -fPIC)"
echo "ok: $soname exports $(wc -l < "$t/exported" | tr -d ' ') symbols and libtier.a defines $(wc -l < "$t/static" | tr -d ' '), exactly the functions of tier.h"
exit 0
