cd tests/golden/data/trust && tierc test coverage-decimal.tier coverage-decimal.tests --coverage
