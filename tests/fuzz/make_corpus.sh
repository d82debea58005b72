#!/bin/sh
# make_corpus.sh - (re)build the seed corpora of the fuzz targets in
# tests/fuzz/corpus/{compile,load,record} from the files the project ships.
# Run from the top of the tree after `make all`:  sh tests/fuzz/make_corpus.sh
#
#   compile: rules/*.tier, examples/*.tier, dates, paths and nested-seats from
#            tests/golden/data, tests/golden/data/bad/*.tier (if
#            any), and each ```tier block of docs/language.md
#   load:    rules/apn-2019.tier, rules/apn-2018.tier, examples/card.tier
#            compiled to .tbc, and apn-2019 and card stripped too
#            (and examples/card.tier signed with tests/golden/data/keys/test.key,
#            and tests/golden/data/exact.tier and functions.tier for numbers,
#            dates.tier for the date functions, paths.tier for either, at
#            least, requirements blocks and badges, nested-seats.tier for
#            loops over inner lists, fiscal.tier for periods and the fiscal
#            year, names.tier for JSON keys and display names, consts.tier
#            for the table of consts, carried.tier and the hilton-honors
#            program for tier values and the grant of a tier value,
#            formula-values.tier for traced formula calls)
#   record:  each line of examples/partners.jsonl and tests/golden/data/*.jsonl,
#            and tests/golden/data/array.json whole (a JSON array input)
#
# Seed names are stable, so re-running the script after the shipped files
# change gives a reviewable diff.  The tree's files are small: the corpora
# stay well under 200 files and 5 MB.
set -eu
TIERC=${TIERC:-bin/tierc}
C=tests/fuzz/corpus
rm -rf "$C/compile" "$C/load" "$C/record"
mkdir -p "$C/compile" "$C/load" "$C/record"

# ---- compile ----
for f in rules/*.tier examples/*.tier tests/golden/data/dates.tier tests/golden/data/paths.tier \
         tests/golden/data/nested-seats.tier tests/golden/data/fiscal.tier tests/golden/data/names.tier \
         tests/golden/data/carried.tier examples/programs/hilton-honors/hilton-honors.tier \
         tests/golden/data/formula-values.tier; do
  cp "$f" "$C/compile/$(dirname "$f" | tr / -)-$(basename "$f")"
done
for f in tests/golden/data/bad/*.tier; do
  [ -e "$f" ] && cp "$f" "$C/compile/bad-$(basename "$f")"
done
awk -v dir="$C/compile" '
  /^```tier[ \t]*$/ { n++; out = sprintf("%s/docs-language-%02d.tier", dir, n); inb = 1; next }
  /^```/ && inb     { inb = 0; close(out); next }
  inb               { print > out }
' docs/language.md

# ---- load ----
"$TIERC" compile rules/apn-2019.tier -o "$C/load/apn-2019.tbc" >/dev/null
"$TIERC" compile rules/apn-2018.tier -o "$C/load/apn-2018.tbc" >/dev/null
"$TIERC" compile examples/card.tier -o "$C/load/card.tbc" >/dev/null
"$TIERC" compile --strip rules/apn-2019.tier -o "$C/load/apn-2019-stripped.tbc" >/dev/null
"$TIERC" compile --strip examples/card.tier -o "$C/load/card-stripped.tbc" >/dev/null
# number constants, the _F instructions and the functions of values
"$TIERC" compile tests/golden/data/exact.tier -o "$C/load/exact.tbc" >/dev/null
"$TIERC" compile tests/golden/data/functions.tier -o "$C/load/functions.tbc" >/dev/null
# the date functions' PER operands
"$TIERC" compile tests/golden/data/dates.tier -o "$C/load/dates.tbc" >/dev/null
# either, at least, requirements blocks and badges
"$TIERC" compile tests/golden/data/paths.tier -o "$C/load/paths.tbc" >/dev/null
# loops over inner lists, nested three deep, and an inner count distinct
"$TIERC" compile tests/golden/data/nested-seats.tier -o "$C/load/nested-seats.tbc" >/dev/null
# periods (INPER), the fiscal year in meta, fields' JSON keys, display names
"$TIERC" compile tests/golden/data/fiscal.tier -o "$C/load/fiscal.tbc" >/dev/null
"$TIERC" compile tests/golden/data/names.tier -o "$C/load/names.tbc" >/dev/null
# the rules' consts (format 9), each naming a constant of its own
"$TIERC" compile tests/golden/data/consts.tier -o "$C/load/consts.tbc" >/dev/null 2>&1
# tier values: tier fields and constants, a grant of a tier value, a comparison guarded by the partner type
"$TIERC" compile tests/golden/data/carried.tier -o "$C/load/carried.tbc" >/dev/null 2>&1
# traced formula calls (format 12): texts and depths in the traces table, TRACE pairs in explain code
"$TIERC" compile tests/golden/data/formula-values.tier -o "$C/load/formula-values.tbc" >/dev/null 2>&1
# a signed file (trailer "TSIG" + key + signature), when tierc can sign
if [ -e tests/golden/data/keys/test.key ]; then
  "$TIERC" sign --key tests/golden/data/keys/test.key "$C/load/card.tbc" -o "$C/load/card-signed.tbc" >/dev/null 2>&1 ||
    rm -f "$C/load/card-signed.tbc"
fi

# ---- record ----
for f in examples/partners.jsonl tests/golden/data/*.jsonl; do
  [ -e "$f" ] || continue
  base=$(basename "$f" .jsonl)
  awk -v dir="$C/record" -v base="$base" '
    { out = sprintf("%s/%s-%02d.json", dir, base, NR); printf "%s", $0 > out; close(out) }
  ' "$f"
done

[ -e tests/golden/data/array.json ] && cp tests/golden/data/array.json "$C/record/array.json"

for d in compile load record; do
  printf '%s: %s files, %s bytes\n' "$d" "$(ls "$C/$d" | wc -l)" "$(cat "$C/$d"/* | wc -c)"
done
