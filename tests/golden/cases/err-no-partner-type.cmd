tierc check tests/golden/data/bad/no-partner-type.tier
