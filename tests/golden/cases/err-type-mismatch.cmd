tierc check tests/golden/data/bad/type-mismatch.tier
