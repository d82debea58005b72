# Japanese (LANGUAGE=ja): what a result says a requirement needs, and the values that decide it, in whole Japanese sentences: a period test, block references and the gap of holds/meets, a comparison, a missing value, a division by zero, a missing computed threshold, a time clause in tiervm diff
LANGUAGE=ja tiervm explain tests/golden/data/fiscal.tier tests/golden/data/fiscal.jsonl --as-of 2024-06-30 --id F-2
t=$(mktemp -d) && sed -n 2p tests/golden/data/holds.jsonl > $t/b.jsonl && LANGUAGE=ja tiervm explain tests/golden/data/holds.tier $t/b.jsonl; rm -rf $t
for i in x y; do LANGUAGE=ja tiervm explain --id $i tests/golden/data/holds-gap.tier tests/golden/data/holds-gap.jsonl; done
LANGUAGE=ja tiervm eval --format table tests/golden/data/dates.tier tests/golden/data/dates.jsonl
LANGUAGE=ja tiervm eval --format table --as-of 2019-12-13 tests/golden/data/exact.tier tests/golden/data/exact.jsonl
LANGUAGE=ja tiervm eval --format table tests/golden/data/trust/threshold-missing.tier tests/golden/data/trust/threshold-missing.jsonl
LANGUAGE=ja tiervm diff --as-of 2019-12-13 tests/golden/data/checkpoints.tier tests/golden/data/checkpoints-v2.tier tests/golden/data/checkpoints.jsonl | grep -A9 'ティアが変わる'
