# Japanese (LANGUAGE=ja): compile errors and warnings with their counts
LANGUAGE=ja tierc check tests/golden/data/bad/several.tier
LANGUAGE=ja tierc check tests/golden/data/trust/check-mistakes.tier
