tierc diff rules/apn-2018.tier rules/apn-2019.tier
