cd tests/golden/data/trust && tierc test coverage-computed.tier coverage-computed-far.tests --coverage
