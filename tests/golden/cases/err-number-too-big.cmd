tierc check tests/golden/data/bad/number-too-big.tier
