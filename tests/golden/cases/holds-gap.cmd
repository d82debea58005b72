# The gap of holds and meets: the needs of the tiers below a tier whose own requirements are met, a tier of another partner type, a badge held for a time, a badge whose gap is the gaps of the blocks it names
tiervm eval tests/golden/data/holds-gap.tier tests/golden/data/holds-gap.jsonl
