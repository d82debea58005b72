tierc test rules/apn-2019.tier tests/golden/data/failing.tests
