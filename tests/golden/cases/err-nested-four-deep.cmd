tierc check tests/golden/data/bad/nested-four-deep.tier
