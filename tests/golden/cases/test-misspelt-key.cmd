cd tests/golden/data/trust && tierc test test-misspelt-key.tier test-misspelt-key.tests
