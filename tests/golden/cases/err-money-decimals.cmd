tierc check tests/golden/data/bad/money-decimals.tier
