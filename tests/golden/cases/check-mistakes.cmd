tierc check tests/golden/data/trust/check-mistakes.tier
