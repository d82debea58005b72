# Japanese (LANGUAGE=ja): an unnamed either branch is named by its place in the user's language in explain (JSON keeps "branch 2", as rule tests name it)
D=tests/golden/data; LANGUAGE=ja tiervm explain $D/paths.tier $D/paths.jsonl --id G-2 | grep -n "分岐\|branch"; LANGUAGE=ja tiervm eval -f json $D/paths.tier $D/paths.jsonl | grep -c '"branch":"branch 2"'
