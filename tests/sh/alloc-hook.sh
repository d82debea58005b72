#!/bin/sh
# The library allocates only through its caller's allocator hook
# (tier_options.alloc, tier.h): no object of libtier calls the C library's
# allocator but util.o, where t_realloc falls back on realloc and free when
# no hook is given.  flex's scanner and bison's parser stack go through the
# hook too (grammar/lexer.l yyalloc, grammar/parser.y YYMALLOC), and
# realpath is called with a buffer of ours.  test_oom checks the other half:
# under the hook, every block is handed back with the size it was given.
build=${TIER_BUILD:-build}
command -v nm >/dev/null 2>&1 || { echo "skip: nm is not installed (binutils)"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
alloc='^(malloc|calloc|realloc|reallocarray|free|strdup|strndup|getline|getdelim|asprintf|vasprintf|open_memstream|aligned_alloc|posix_memalign)$'
n=0
for c in src/*.c parser lexer; do
  o=$build/$(basename "$c" .c).o
  [ -f "$o" ] || fail "$o is missing (make all builds it)"
  n=$((n + 1))
  [ "$(basename "$o")" = util.o ] && continue
  calls=$(nm -u "$o" | awk '{ print $NF }' | grep -E "$alloc" | tr '\n' ' ')
  [ -z "$calls" ] || fail "$o calls the C library's allocator, not the hook: $calls"
done
# the check can fail: util.o, the hook's default, does call them
nm -u "$build/util.o" | awk '{ print $NF }' | grep -Eq "$alloc" || fail "util.o no longer calls malloc: is this check still looking at the right objects?"
echo "ok: $n objects of libtier allocate only through the hook (util.o's default aside)"
