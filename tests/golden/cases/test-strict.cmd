tierc test tests/golden/data/trust/strict.tier tests/golden/data/trust/strict.tests
