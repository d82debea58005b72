tierc test tests/golden/data/checkpoints.tier tests/golden/data/checkpoints.tests
