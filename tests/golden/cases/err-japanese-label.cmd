tierc check tests/golden/data/bad/japanese-label.tier
