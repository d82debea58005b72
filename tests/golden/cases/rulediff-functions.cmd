tierc diff tests/golden/data/functions.tier tests/golden/data/functions-v2.tier
