# a rule typed with a Japanese input method in full-width mode: one error, naming the characters and the ASCII to type
tierc check tests/golden/data/bad/fullwidth.tier
LANGUAGE=ja tierc check tests/golden/data/bad/fullwidth.tier
