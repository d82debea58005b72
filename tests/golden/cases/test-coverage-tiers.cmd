# --coverage counts a comparison with a tier by its own ladder (tier values), not the partner-type check sema adds
tierc test tests/golden/data/trust/coverage-tiers.tier tests/golden/data/trust/coverage-tiers.tests --coverage
