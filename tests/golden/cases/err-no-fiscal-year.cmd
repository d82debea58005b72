tierc check tests/golden/data/bad/no-fiscal-year.tier
