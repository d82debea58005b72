tiervm eval rules/apn-2019.tier tests/golden/data/array.json
