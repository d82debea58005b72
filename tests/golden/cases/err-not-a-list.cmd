tierc check tests/golden/data/bad/not-a-list.tier
