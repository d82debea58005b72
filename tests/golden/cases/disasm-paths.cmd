tierc compile tests/golden/data/paths.tier -o /tmp/tierc-golden-paths.tbc >/dev/null && tierc disasm /tmp/tierc-golden-paths.tbc
