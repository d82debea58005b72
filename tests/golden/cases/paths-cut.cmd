# a path longer than 252 bytes shows at most its first 252, cut between whole characters, and ends with "..." - in tiervm's faults and in tierc test's (cut at 255 and 199 bytes with no mark before); the same in Japanese; a list's key in the message is cut at 64 bytes with "...", as the undeclared key is (the message was cut mid-sentence at its buffer)
tiervm eval -f json tests/golden/data/paths/long-keys.tier tests/golden/data/paths/long-keys.jsonl
tierc test tests/golden/data/paths/long-keys.tier tests/golden/data/paths/long-keys.tests
LANGUAGE=ja tierc test tests/golden/data/paths/long-keys.tier tests/golden/data/paths/long-keys.tests
