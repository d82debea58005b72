tierc diff tests/golden/data/rulediff-repeated.tier tests/golden/data/rulediff-repeated.tier
tierc diff tests/golden/data/rulediff-repeated.tier tests/golden/data/rulediff-repeated-2.tier
