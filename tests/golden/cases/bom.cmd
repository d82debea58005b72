# a UTF-8 byte-order mark at the start of a record file, a source and a test file is not content
tiervm eval --format json rules/apn-2019.tier tests/golden/data/bom/partners.jsonl | cut -c1-60
tierc check tests/golden/data/bom/card.tier
tierc fmt --check tests/golden/data/bom/card.tier && echo "fmt: in the canonical layout"
tierc test tests/golden/data/bom/card.tier tests/golden/data/bom/card.tests
