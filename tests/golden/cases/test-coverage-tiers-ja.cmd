# --coverage in Japanese: a tier at its ladder's end
LANGUAGE=ja tierc test tests/golden/data/trust/coverage-tiers.tier tests/golden/data/trust/coverage-tiers.tests --coverage
