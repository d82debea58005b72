t=$(mktemp -d) && sed -n 2p tests/golden/data/holds.jsonl > $t/b.jsonl && tiervm explain tests/golden/data/holds.tier $t/b.jsonl; rm -rf $t
