tierc test rules/apn-2019.tier tests/golden/data/failing.tests examples/apn-2019.tests --coverage | tail -3
