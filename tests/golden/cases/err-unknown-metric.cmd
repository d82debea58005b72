tierc check tests/golden/data/bad/unknown-metric.tier
