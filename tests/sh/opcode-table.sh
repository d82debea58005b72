#!/bin/sh
# docs/bytecode.md's opcode table (§8, between the GENERATED OPCODE TABLE
# markers) is what `tierc disasm --opcodes` prints from src/opcodes.h, the
# one list: an opcode added, moved or redescribed there without the table
# fails here.  `sh tests/sh/opcode-table.sh --write` regenerates the table
# in place (after `make all`).
bin=${TIER_BIN:-bin}
doc=docs/bytecode.md
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$bin/tierc" ] || fail "$bin/tierc is missing (make all builds it)"
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT

# the --opcodes listing as a Markdown table: its columns are found by the
# header's words, so a wider name or meaning moves nothing
"$bin/tierc" disasm --opcodes | awk '
  NR == 1 { n = index($0, "name"); o = index($0, "operands"); s = index($0, "stack"); r = index($0, "reg"); m = index($0, "meaning")
            print "| code | name | operands | stack | reg | meaning |"; print "|---:|---|---|---|---|---|"; next }
  /^$/ { exit }
  function f(a, b) { x = substr($0, a, b - a); gsub(/ +$/, "", x); return x }
  { printf "| %s | `%s` | %s | `%s` | %s | %s |\n", f(1, n), f(n, o), f(o, s), f(s, r), f(r, m), substr($0, m) }' >"$t/want"
[ "$(grep -c '^| [0-9]' "$t/want")" -gt 50 ] || fail "tierc disasm --opcodes listed too few opcodes: is its layout still the one parsed here?"

begin='<!-- BEGIN GENERATED OPCODE TABLE -->'
end='<!-- END GENERATED OPCODE TABLE -->'
grep -qxF "$begin" "$doc" && grep -qxF "$end" "$doc" || fail "$doc has lost its GENERATED OPCODE TABLE markers"
if [ "$1" = --write ]; then
  awk -v b="$begin" -v e="$end" -v w="$t/want" '
    $0 == b { print; while ((getline l < w) > 0) print l; skip = 1; next }
    $0 == e { skip = 0 }
    !skip' "$doc" >"$t/doc" && cat "$t/doc" >"$doc"
  echo "wrote the opcode table of $doc"
  exit 0
fi
awk -v b="$begin" -v e="$end" '$0 == e { on = 0 } on; $0 == b { on = 1 }' "$doc" >"$t/have"
diff -u "$t/have" "$t/want" >"$t/diff" || fail "$doc's opcode table differs from tierc disasm --opcodes (sh tests/sh/opcode-table.sh --write regenerates it):
$(head -20 "$t/diff")"
echo "ok: $doc's opcode table is tierc disasm --opcodes ($(grep -c '^| [0-9]' "$t/want") opcodes)"
