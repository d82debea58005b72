# tierc diff of a tier-value edit: a comparison of a tier field with another
# tier, and a tier value's grant given a new condition
tierc diff tests/golden/data/status-old.tier tests/golden/data/status-new.tier
