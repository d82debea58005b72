tierc check tests/golden/data/bad/ident-too-long.tier
