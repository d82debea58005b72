cd tests/golden/data/trust && LANGUAGE=ja tierc test coverage-dense.tier coverage-dense.tests --coverage
