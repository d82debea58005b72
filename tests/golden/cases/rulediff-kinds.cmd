D=tests/golden/data/trust; tierc diff $D/kinds-old.tier $D/kinds-new.tier && tierc diff -f json $D/kinds-old.tier $D/kinds-new.tier
