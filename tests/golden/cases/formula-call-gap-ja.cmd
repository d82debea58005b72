# A compared formula call's gap in Japanese: the input that closes it (+4 wins; +2 wins or +4 certified;
# -200.01 spend), else the value the call must reach (a call that reads a list)
LANGUAGE=ja tiervm explain --as-of 2024-06-30 tests/golden/data/formula-call-gap.tier tests/golden/data/formula-call-gap.jsonl
LANGUAGE=ja tiervm eval -e -f json tests/golden/data/formula-call-gap.tier tests/golden/data/formula-call-gap.jsonl | grep -o '"need":"[^"]*"'
