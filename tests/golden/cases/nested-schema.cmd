t=$(mktemp -d) && tierc compile tests/golden/data/nested.tier -o $t/n.tbc >/dev/null && tierc disasm $t/n.tbc | sed -n "/; schema/,/^; constants/p"; rm -rf $t
