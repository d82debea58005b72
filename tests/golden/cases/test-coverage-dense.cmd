cd tests/golden/data/trust && tierc test coverage-dense.tier coverage-dense.tests --coverage
