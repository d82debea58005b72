#!/bin/sh
# docs/bytecode.md §15 walks through examples/card.tier compiled: its first
# 256 bytes (the xxd block), the file's size, the stripped size.  A format
# or layout change that leaves the walk-through behind fails here: compile
# card.tier and compare the bytes with the block's (od, since xxd may be
# missing), and the sizes with the text's.
bin=${TIER_BIN:-bin}
doc=docs/bytecode.md
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$bin/tierc" ] || fail "$bin/tierc is missing (make all builds it)"
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT

"$bin/tierc" compile examples/card.tier -o "$t/card.tbc" >/dev/null || fail "examples/card.tier does not compile"
"$bin/tierc" compile --strip examples/card.tier -o "$t/strip.tbc" >/dev/null || fail "--strip does not compile"
size=$(wc -c <"$t/card.tbc" | tr -d ' ')
strip=$(wc -c <"$t/strip.tbc" | tr -d ' ')

# §15 alone: from its heading to the next one
sed -n '/^## 15\. /,/^## 16\. /p' "$doc" >"$t/s15"
[ -s "$t/s15" ] || fail "$doc has no section 15"
# the xxd block's hex columns (the first 16 lines that start with an offset)
grep -E '^0000[0-9a-f]{4}: ' "$t/s15" | head -16 | cut -c11-49 | tr -d ' \n' >"$t/doc-hex"
od -A n -t x1 -v -N 256 "$t/card.tbc" | tr -d ' \n' >"$t/hex"
[ "$(wc -c <"$t/doc-hex")" -eq 512 ] || fail "$doc §15 lost its 16-line xxd block"
cmp -s "$t/doc-hex" "$t/hex" || fail "$doc §15's first 256 bytes are not what examples/card.tier compiles to now: regenerate the walk-through (xxd, offsets, sizes)"
grep -q "# $size bytes" "$t/s15" || fail "$doc §15 does not give the file's size, $size bytes"
grep -q "$strip bytes" "$t/s15" || fail "$doc §15 does not give the stripped size, $strip bytes"
echo "ok: $doc §15 shows examples/card.tier's $size bytes ($strip stripped) as compiled"
