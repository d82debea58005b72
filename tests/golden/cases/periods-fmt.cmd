tierc fmt tests/golden/data/fiscal.tier
