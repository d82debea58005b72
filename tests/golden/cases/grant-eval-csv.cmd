tiervm eval --format csv tests/golden/data/grant.tier tests/golden/data/grant.jsonl; printf '{"id":"bad","type":"member"}\n' | tiervm eval --format csv tests/golden/data/grant.tier - | tail -1
