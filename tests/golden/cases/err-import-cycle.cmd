tierc check tests/golden/data/bad/import-cycle.tier
