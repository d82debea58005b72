# tiervm eval's table of a ruleset of badges only: no TYPE, TIER, NEXT or
# MISSING FOR NEXT columns (every cell was "-") but BADGES, and a summary of
# the partners holding each badge (it said "partners by partner type and tier:
# 3 partners of no partner type"); in English and Japanese, and at 80 columns
D=tests/golden/data; tiervm eval -f table $D/badges-only.tier $D/badges-only.jsonl; LANGUAGE=ja tiervm eval -f table $D/badges-only.tier $D/badges-only.jsonl; COLUMNS=80 tiervm eval -f table examples/programs/microsoft-security/microsoft-security.tier examples/programs/microsoft-security/profiles.jsonl --as-of 2024-06-15 | sed -n '2,3p;/^# 6 partners/,$p'
