tierc test tests/golden/data/fiscal.tier tests/golden/data/fiscal-mid.tests --coverage | grep -v Gold
