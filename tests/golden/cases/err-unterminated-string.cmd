tierc check tests/golden/data/bad/unterminated-string.tier
