tierc check tests/golden/data/bad/unknown-partner-type.tier
