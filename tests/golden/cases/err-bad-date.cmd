tierc check tests/golden/data/bad/bad-date.tier
