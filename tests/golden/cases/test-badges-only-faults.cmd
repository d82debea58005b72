# tierc test of a ruleset of badges only: a failing test says the badges the
# partner got (it said "got tier none, next none"), and a test without
# "expect" or with an empty one is told to give "badges" (it was told to give
# "tier", "next" or "unmet", which these rules do not have); English and Japanese
D=tests/golden/data; tierc test $D/badges-only.tier $D/badges-only-faults.tests; LANGUAGE=ja tierc test $D/badges-only.tier $D/badges-only-faults.tests
