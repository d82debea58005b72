tierc diff rules/apn-2019.tier rules/apn-2019.tier
