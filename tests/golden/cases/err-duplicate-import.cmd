tierc check tests/golden/data/bad/duplicate-import.tier
