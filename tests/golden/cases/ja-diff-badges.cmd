# Japanese (LANGUAGE=ja): tiervm diff's badges, paths and grants
D=tests/golden/data; LANGUAGE=ja tiervm diff $D/paths.tier $D/paths-v2.tier $D/paths.jsonl && LANGUAGE=ja tiervm diff $D/grant.tier $D/grant-v2.tier $D/grant.jsonl | tail -5
