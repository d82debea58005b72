#!/bin/sh
# Data flows one way through the library (issue 13.2): no file of src/
# calls a file that calls it back, directly or round a longer loop.  The
# graph is derived from the built objects, not from what the docs say:
# file A calls file B when A's object uses a global symbol B's object
# defines (nm).  Two stages are one grammar or one type checker written in
# several files, and their files may call each other: the front end
# (lexer.l and parser.y, the scanner and the parser that drives it) and
# sema (sema.c with defs.c, blocks.c and refs.c, which check the
# expressions inside the items they declare).  Everything else must sort
# into an order in which each file calls only files before it (tsort).
# The same holds of the tools (src/tools/), which call the library only
# through tier.h.  And the library never prints: no object of it uses
# stdout, stderr or a function that writes to them, but for the flex
# scanner's default output stream (yyout), which %option nodefault leaves
# unused.
build=${TIER_BUILD:-build}
for c in nm tsort; do
  command -v $c >/dev/null 2>&1 || { echo "skip: $c is not installed"; exit 77; }
done
fail() { echo "FAIL: $*"; exit 1; }
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT

# edges DIR FILES...: "caller callee" for each pair of the objects DIR/F.o
# (F the files' base names), stages grouped as above
edges() {
  dir=$1
  shift
  for f in "$@"; do
    o=$dir/$f.o
    [ -f "$o" ] || fail "$o is missing (make all builds it)"
    nm -g --defined-only "$o" | awk -v m="$f" 'NF == 3 { print $3, m }'
  done | sort > "$t/defs"
  for f in "$@"; do nm -u "$dir/$f.o" | awk -v m="$f" '{ print $2, m }'; done | sort > "$t/uses"
  join "$t/uses" "$t/defs" | awk '
    function stage(m) {
      if (m == "lexer" || m == "parser") return "front"
      if (m == "sema" || m == "defs" || m == "blocks" || m == "refs") return "sema"
      return m
    }
    { a = stage($2); b = stage($3); if (a != b) print a, b }' | sort -u
}

# check NAME EDGES: EDGES has no loop
check() {
  n=$(wc -l < "$2" | tr -d ' ')
  loop=$(tsort "$2" 2>&1 >/dev/null | sed -n 's/^tsort: \([a-z_]*\)$/\1/p' | tr '\n' ' ')
  [ -z "$loop" ] || fail "$1: files that call each other (a loop of calls): $loop
(every call of one in the other: grep the pairs in nm's output)"
  echo "$n"
}

lib=$(for f in src/*.c; do basename "$f" .c; done)
edges "$build" $lib parser lexer > "$t/lib"
# the check can fail: it must see the pipeline's calls, the VM reading files among them
grep -qx 'vm bytecode' "$t/lib" || fail "no call of bytecode.c from vm.c found: is nm's output still read right?"
nlib=$(check "the library" "$t/lib") || { echo "$nlib"; exit 1; }

tools=$(for f in src/tools/*.c; do basename "$f" .c; done)
edges "$build/tools" $tools > "$t/tools"
grep -qx 'tiervm cli' "$t/tools" || fail "no call of cli.c from tiervm.c found"
ntools=$(check "the tools" "$t/tools") || { echo "$ntools"; exit 1; }

prints=$(for f in $lib parser lexer; do
  nm -u "$build/$f.o" | awk -v m="$f" '$2 ~ /^(stdout|stderr|printf|vprintf|fprintf|vfprintf|puts|fputs|fputc|putc|putchar|fwrite|perror|__printf_chk|__fprintf_chk|__vfprintf_chk)$/ { print m ": " $2 }'
done | grep -vx 'lexer: stdout')
[ -z "$prints" ] || fail "library objects that print: $(echo $prints)"

order=$(tsort "$t/lib" | tr '\n' ' ')
echo "ok: the library's $nlib calls between files and the tools' $ntools go one way (callers first: $order)"
exit 0
