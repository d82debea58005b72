cd tests/golden/data/trust && tierc test coverage-computed-bool.tier coverage-computed-bool.tests --coverage
