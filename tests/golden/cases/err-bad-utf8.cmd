tierc check tests/golden/data/bad/bad-utf8.tier
