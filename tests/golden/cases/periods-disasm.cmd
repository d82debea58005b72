tierc compile tests/golden/data/fiscal.tier -o /tmp/tierc-golden-fiscal.tbc >/dev/null && tierc disasm /tmp/tierc-golden-fiscal.tbc | grep -E "^fiscal|INPER|PSTART|PEND"
