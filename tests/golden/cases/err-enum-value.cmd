tierc check tests/golden/data/bad/enum-value.tier
