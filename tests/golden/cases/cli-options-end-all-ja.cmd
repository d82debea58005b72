# Japanese (LANGUAGE=ja): keygen's usage, and an input that cannot be opened or read says why in the system's words, in Japanese
LANGUAGE=ja tierc keygen extra; echo "exit $?"
LANGUAGE=ja tiervm eval --format csv examples/card.tier tests/golden/data/no-such-file.jsonl; echo "exit $?"
LANGUAGE=ja tiervm eval --format csv examples/card.tier tests/golden; echo "exit $?"
LANGUAGE=ja tierc test examples/card.tier tests/golden/data/no-such-file.tests; echo "exit $?"
