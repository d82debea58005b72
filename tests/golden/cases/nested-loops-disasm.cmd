t=$(mktemp -d) && tierc compile tests/golden/data/nested-seats.tier -o $t/s.tbc >/dev/null 2>&1 && tierc disasm $t/s.tbc | sed -n "/^cost/p;/^metric block/,/^requirement r0/p"; rm -rf $t
