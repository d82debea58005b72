tierc check tests/golden/data/bad/misspelt-keyword.tier
