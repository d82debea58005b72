tierc fmt tests/golden/data/checkpoints.tier
