tierc check tests/golden/data/ladder.tier; tierc check --Werror tests/golden/data/ladder.tier 2>&1 | tail -1
