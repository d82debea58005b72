# tiervm diff across a tier-value edit: a partner moves down on the tier
# comparison, one because the new rules no longer grant its carried status,
# one up because they now grant it (text, then the moves in JSON)
tiervm diff --as-of 2024-06-30 tests/golden/data/status-old.tier tests/golden/data/status-new.tier tests/golden/data/status.jsonl && tiervm diff -f json --as-of 2024-06-30 tests/golden/data/status-old.tier tests/golden/data/status-new.tier tests/golden/data/status.jsonl | grep -o '"moves":.*,"changes"'
