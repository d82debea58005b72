tierc fmt tests/golden/data/paths.tier
