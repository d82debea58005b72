tierc check tests/golden/data/bad/metric-cycle.tier
