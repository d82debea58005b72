tierc fmt examples/card.tier
