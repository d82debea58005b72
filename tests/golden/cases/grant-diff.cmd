# tierc diff names each grant change (matched by what it gives): a grant
# removed, one added, a condition changed; as text and as JSON
tierc diff tests/golden/data/grant.tier tests/golden/data/grant-v3.tier
tierc diff -f json tests/golden/data/grant.tier tests/golden/data/grant-v3.tier
