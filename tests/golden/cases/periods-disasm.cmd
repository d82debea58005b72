t=$(mktemp -d) && tierc compile tests/golden/data/fiscal.tier -o $t/fiscal.tbc >/dev/null && tierc disasm $t/fiscal.tbc | grep -E "^fiscal|INPER|PSTART|PEND"; rm -rf $t
