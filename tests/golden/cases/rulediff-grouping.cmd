# the same requirements grouped otherwise (at least N of, either, paths made plain) are named for each tier and badge, also beside another change
D=tests/golden/data/trust; tierc diff $D/grouping-old.tier $D/grouping-new.tier
