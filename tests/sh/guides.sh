#!/bin/sh
# The guides say what each command prints: run them (tests/sh/guides.py
# gives the conventions: ```console blocks, "..." lines, guide-test
# comments) and fail on any difference -- docs/guide.md and README.md in
# English, docs/guide.ja.md in Japanese, and the EXAMPLES of the man pages
# (each command must succeed, and print what is shown when something is).
# Then show that the test can fail: a copy of docs/guide.md with one shown
# output changed must fail it.
# Exit 77 (skip) without python3.
if ! command -v python3 >/dev/null 2>&1; then
  echo "skip: python3 is not installed (apt-get install python3)"
  exit 77
fi
fail() { echo "FAIL: $*"; exit 1; }
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
ok=0
python3 tests/sh/guides.py docs/guide.md README.md docs/man/tierc.1 docs/man/tiervm.1 || ok=1
python3 tests/sh/guides.py --lang ja docs/guide.ja.md || ok=1
[ "$ok" -eq 0 ] || fail "a guide shows what the tools no longer print (above: the guide's file and line); fix the guide, or the tool if it is wrong"

# the planted difference: tierc diff's count of changes, 2 -> 3
sed 's/^2 changes$/3 changes/' docs/guide.md > "$t/guide.md"
cmp -s docs/guide.md "$t/guide.md" && fail "docs/guide.md no longer shows '2 changes' (tierc diff): plant another difference"
python3 tests/sh/guides.py "$t/guide.md" > "$t/out" 2>&1 && fail "an edited shown output passed: $(tail -1 "$t/out")"
grep -q '^3 changes$' "$t/out" || { cat "$t/out"; fail "the planted difference is not the one reported"; }
echo "ok: the guides' commands print what the guides show; a changed output fails"
