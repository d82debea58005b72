tierc compile tests/golden/data/names.tier -o /tmp/tierc-golden-names.tbc >/dev/null && tierc disasm /tmp/tierc-golden-names.tbc | sed -n "/; schema/,/^$/p"
