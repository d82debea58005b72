# a key that is no plain name reads the same in a fault's path as in JSON output (the did-you-mean, disasm): DEL, C0 and C1 controls as \u00XX, a quote, a backslash, non-ASCII letters as they are (the path wrote DEL as \u007f where the output wrote it raw)
tiervm eval -f json tests/golden/data/paths/key-escapes.tier tests/golden/data/paths/key-escapes.jsonl
tiervm eval -f json --strict tests/golden/data/paths/key-escapes.tier tests/golden/data/paths/key-escapes.jsonl
t=$(mktemp -d) && tierc compile tests/golden/data/paths/key-escapes.tier -o $t/k.tbc > /dev/null && tierc disasm $t/k.tbc | grep '^field.*key'; rm -rf $t
