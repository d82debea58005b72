tierc check tests/golden/data/bad/duplicate-metric.tier
