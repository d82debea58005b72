# Tier values: a carried status granted (granted: true), a status earned
# above it, a tier of the other ladder and a name that is no tier refused,
# with the field's path and the tiers it may name
tiervm eval --as-of 2024-06-30 tests/golden/data/carried.tier tests/golden/data/carried.jsonl
