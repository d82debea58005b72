tierc diff tests/golden/data/holds.tier tests/golden/data/holds-v2.tier && tiervm diff tests/golden/data/holds.tier tests/golden/data/holds-v2.tier tests/golden/data/holds.jsonl
