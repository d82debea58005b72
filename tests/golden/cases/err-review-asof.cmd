tierc check tests/golden/data/bad/review-asof.tier
