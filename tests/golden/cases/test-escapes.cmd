tierc test tests/golden/data/trust/values-types.tier tests/golden/data/trust/escapes.tests
