LANGUAGE=ja tierc check tests/golden/data/bad/no-fiscal-year.tier; LANGUAGE=ja tierc check tests/golden/data/bad/reserved-word.tier
