cd tests/golden/data/trust && tierc test coverage-computed.tier coverage-computed.tests --coverage
