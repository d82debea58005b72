tierc test tests/golden/data/fiscal.tier tests/golden/data/fiscal-first.tests --coverage | grep -v Gold
