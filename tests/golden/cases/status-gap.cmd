# the smallest change for an unmet comparison of a tier field: the tier it
# must be (it is Silver), or that it is missing; granted tiers said so
tiervm eval -f table --as-of 2024-06-30 tests/golden/data/status-old.tier tests/golden/data/status.jsonl
