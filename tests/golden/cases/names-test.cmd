tierc test tests/golden/data/names.tier tests/golden/data/names.tests
