tierc fmt tests/golden/data/functions-messy.tier
