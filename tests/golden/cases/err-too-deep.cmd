tierc check tests/golden/data/bad/too-deep.tier
