tierc check tests/golden/data/bad/unclosed-tier.tier
