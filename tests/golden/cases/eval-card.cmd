tiervm eval examples/card.tier tests/golden/data/card.jsonl
