tierc test tests/golden/data/fiscal.tier tests/golden/data/fiscal-first.tests tests/golden/data/fiscal-before.tests --coverage | grep -v Gold
