# a formula call behind an `or` or `and` already decided: "values" reads it from a requirement that computed it
tierc test tests/golden/data/or-call.tier tests/golden/data/or-call.tests
