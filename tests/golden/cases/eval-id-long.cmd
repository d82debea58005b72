# the id exactly as read, whatever its length
tiervm eval --format json rules/apn-2019.tier tests/golden/data/id-300-characters.jsonl | sed -n 's/^{"id":"\([^"]*\)".*/\1/p' | awk '{ print length($0), substr($0, 1, 20) "..." substr($0, length($0) - 9) }'
