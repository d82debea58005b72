cd tests/golden/data/trust && LANGUAGE=ja tierc test coverage-computed.tier coverage-computed-far.tests --coverage
