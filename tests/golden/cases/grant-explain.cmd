t=$(mktemp -d) && sed -n 2p tests/golden/data/grant.jsonl > $t/vip.jsonl && tiervm explain tests/golden/data/grant.tier $t/vip.jsonl; rm -rf $t
