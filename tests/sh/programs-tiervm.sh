#!/bin/sh
# The example programs whose .tier files are in the tree (examples/programs/):
# what tiervm prints for the sample profiles is what the independent oracle
# gives (the *.expected files, which tests/sh/programs-oracle.sh holds to the
# oracle): tier, next, the unmet names (BRANCH: NAME inside an either),
# granted, badges and each unmet badge's names, record by record.
# Exit 77 (skip) without python3.
if ! command -v python3 >/dev/null 2>&1; then
  echo "skip: python3 is not installed (apt-get install python3)"
  exit 77
fi
dir=examples/programs
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
n=0
# program's .tier, as-of date, profiles, expected results
while read -r tier asof profiles expected; do
  [ -e "$dir/$tier" ] || continue
  "$TIER_BIN/tiervm" eval --as-of "$asof" "$dir/$tier" "$dir/$profiles" > "$d/got" 2> "$d/err" ||
    { echo "FAIL: tiervm eval $dir/$tier:"; head -5 "$d/err"; exit 1; }
  python3 - "$d/got" "$dir/$expected" <<'PY' || exit 1
import json, sys
# the rule-test names (SPEC 3.5): a failing "at any checkpoint" clause is at_any
def name(u):
    base = "at_any" if "at_any" in u else u.get("metric") or u["rule"]
    return f'{u["branch"]}: {base}' if u.get("branch") else base
def brief(r):
    return {"id": r.get("id"), "asof": r["asof"], "tier": r["tier"], "next": r["next"],
            "unmet": sorted(name(u) for u in r["unmet"]), "granted": r.get("granted", False),
            "badges": sorted(r.get("badges", [])),
            "badges_unmet": {b: sorted(name(u) for u in us) for b, us in r.get("badges_unmet", {}).items()}}
got = [brief(json.loads(l)) for l in open(sys.argv[1]) if l.strip()]
want = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
for w in want:
    w["unmet"].sort(); w["badges"].sort()
    w["badges_unmet"] = {b: sorted(us) for b, us in w["badges_unmet"].items()}
if got != want:
    for g, w in zip(got, want):
        if g != w:
            print(f"FAIL: {sys.argv[2]}: record {w.get('id')}: tiervm gives\n  {g}\nthe oracle\n  {w}")
            break
    else:
        print(f"FAIL: {sys.argv[2]}: {len(got)} results, {len(want)} expected")
    sys.exit(1)
PY
  n=$((n + 1))
done <<LIST
microsoft-security/microsoft-security.tier 2024-06-15 microsoft-security/profiles.jsonl microsoft-security/profiles.expected
hubspot/hubspot-revenue.tier 2024-06-30 hubspot/profiles.jsonl hubspot/profiles-revenue.expected
hubspot/hubspot-points.tier 2024-06-30 hubspot/profiles.jsonl hubspot/profiles-points.expected
hilton-honors/hilton-honors.tier 2026-11-30 hilton-honors/profiles.jsonl hilton-honors/profiles.expected
LIST
[ "$n" -gt 0 ] || { echo "FAIL: no example program has its .tier in the tree"; exit 1; }
echo "ok: $n program(s): tiervm's results for the sample profiles are the oracle's"
