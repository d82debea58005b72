# --coverage: a comparison two partner types share (the same requirement, a record metric both read) is a threshold of each tier, probed by its own type's tests only
tierc test tests/golden/data/coverage-shared.tier tests/golden/data/coverage-shared.tests --coverage
