tierc diff --format json --import-path=rules rules/apn-2019.tier tests/golden/data/apn-2019-draft.tier
