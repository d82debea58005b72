tiervm diff rules/apn-2019.tier
