# formula-values in Japanese: the parts of a call under its line, the test errors
LANGUAGE=ja tiervm explain tests/golden/data/formula-values.tier tests/golden/data/formula-values.jsonl
LANGUAGE=ja tierc test tests/golden/data/formula-values.tier tests/golden/data/formula-values.tests
