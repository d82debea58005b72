# Japanese (LANGUAGE=ja): tierc test's failures, malformed tests and counts
LANGUAGE=ja tierc test rules/apn-2019.tier tests/golden/data/failing.tests
