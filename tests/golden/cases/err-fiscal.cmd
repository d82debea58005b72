tierc check tests/golden/data/bad/fiscal.tier
