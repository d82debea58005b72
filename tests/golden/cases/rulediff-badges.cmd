# badges: removed, new, and a kept badge's threshold, display name, time clause and requirements are each named (not "differ in a way not named above")
D=tests/golden/data/trust; tierc diff $D/badges-old.tier $D/badges-new.tier && tierc diff -f json $D/badges-old.tier $D/badges-new.tier
