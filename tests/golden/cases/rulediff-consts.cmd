# a const's new value is said once, with what it changes (SPEC 3.5): not again per metric or requirement that uses it; the literal 4 beside const target = 4 keeps its value; a requirement changed otherwise is still said
D=tests/golden/data; tierc diff $D/consts.tier $D/consts-v2.tier && tierc diff -f json $D/consts.tier $D/consts-v2.tier
