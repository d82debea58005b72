# A compared formula call whose code is longer than 256 instructions (a
# 100-term formula) is not searched: its gap says the value it must reach,
# and --max-cost's bound does not count 256 runs an input of it; a short
# call's code is searched (+8 a0, +8 a1 or +8 a2)
tiervm eval --as-of 2020-01-01 -f json tests/golden/data/formula-call-long.tier tests/golden/data/formula-call-long.jsonl | grep -o '"need":"[^"]*"'
tiervm eval --as-of 2020-01-01 -f json --max-cost 100000 tests/golden/data/formula-call-long.tier tests/golden/data/formula-call-long.jsonl | grep -o '"need":"[^"]*"\|"error":"[^"]*"'
