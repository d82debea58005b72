tierc check tests/golden/data/bad/sum-text.tier
