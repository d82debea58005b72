tierc check tests/golden/data/bad/missing-semicolon.tier
