#!/bin/sh
# Every line of C changed since .clang-format was checked in is formatted
# by it (git clang-format: only the changed lines, so older code is
# reformatted when it is next touched).  `make format` fixes what this
# finds.  Skipped outside a git checkout or without clang-format.
command -v git-clang-format >/dev/null 2>&1 || command -v git-clang-format-14 >/dev/null 2>&1 ||
  { echo "skip: git-clang-format is not installed (apt-get install clang-format)"; exit 77; }
gcf=$(command -v git-clang-format || command -v git-clang-format-14)
git rev-parse --git-dir >/dev/null 2>&1 || { echo "skip: not a git checkout"; exit 77; }
base=$(git log --diff-filter=A --format=%H -- .clang-format | tail -1)
[ -n "$base" ] || { echo "FAIL: .clang-format is not committed"; exit 1; }
out=$("$gcf" --diff --extensions c,h "$base" -- src include tests examples 2>&1)
case "$out" in
  "no modified files to format"*|"clang-format did not modify any files"*)
    n=$(git diff --name-only "$base" -- src include tests examples | grep -c '\.[ch]$')
    echo "ok: the C lines changed since .clang-format came in ($n files) are formatted" ;;
  *) echo "FAIL: lines not formatted as .clang-format says (make format fixes them):"
     echo "$out" | head -60; exit 1 ;;
esac
