# tierc test: "granted" and "values" (a tier value by its name or its
# display name, null for none), and the faults of a test that expects what
# no metric can be
tierc test tests/golden/data/carried.tier tests/golden/data/carried.tests
