tiervm eval tests/golden/data/not-bytecode.tbc examples/partners.jsonl
