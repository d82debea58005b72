tierc check tests/golden/data/bad/functions.tier
