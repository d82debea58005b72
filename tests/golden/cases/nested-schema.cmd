tierc compile tests/golden/data/nested.tier -o /tmp/tierc-golden-nested.tbc >/dev/null && tierc disasm /tmp/tierc-golden-nested.tbc | sed -n "/; schema/,/^; constants/p"
