tierc check tests/golden/data/bad/nested-aggregate.tier
