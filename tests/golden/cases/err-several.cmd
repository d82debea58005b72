tierc check tests/golden/data/bad/several.tier
