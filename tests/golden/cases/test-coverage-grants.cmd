tierc test tests/golden/data/trust/coverage-grants.tier tests/golden/data/trust/coverage-grants.tests --coverage
