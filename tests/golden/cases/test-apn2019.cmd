tierc test rules/apn-2019.tier examples/apn-2019.tests --coverage
