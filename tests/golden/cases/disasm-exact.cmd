tierc compile tests/golden/data/exact.tier -o /tmp/tierc-golden-exact.tbc >/dev/null && tierc disasm /tmp/tierc-golden-exact.tbc
