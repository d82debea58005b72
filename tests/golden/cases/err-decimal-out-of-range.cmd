tierc check tests/golden/data/bad/decimal-out-of-range.tier
