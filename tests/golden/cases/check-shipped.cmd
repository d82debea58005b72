tierc check rules/apn-2019.tier rules/apn-2018.tier examples/card.tier
