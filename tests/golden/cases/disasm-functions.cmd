tierc compile tests/golden/data/functions.tier -o /tmp/tierc-golden-functions.tbc >/dev/null && tierc disasm /tmp/tierc-golden-functions.tbc | sed -n "/^; code/,\$p"
