t=$(mktemp -d) && tierc compile tests/golden/data/holds.tier -o $t/h.tbc >/dev/null 2>&1 && tierc disasm $t/h.tbc | sed -n "/^cost/p;/^order/p;/^requirement r4/,\$p"; rm -rf $t
