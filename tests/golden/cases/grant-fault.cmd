# a runtime error in the condition of a grant names it (it named the last requirement whose code came before, Gold's g > 5)
tiervm eval --as-of 2024-01-01 tests/golden/data/grant-fault.tier tests/golden/data/grant-fault.jsonl
