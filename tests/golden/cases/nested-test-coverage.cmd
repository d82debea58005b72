tierc test tests/golden/data/nested-seats.tier tests/golden/data/nested-seats.tests --coverage
