tierc check tests/golden/data/bad/reserved-word.tier
