tierc fmt tests/golden/data/names.tier
