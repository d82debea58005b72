t=$(mktemp -d) && tierc compile tests/golden/data/grant.tier -o $t/g.tbc >/dev/null 2>&1 && tierc disasm $t/g.tbc | sed -n "/^cost/p;/^order/p;/^grant     /p;/^grant g/,/RET/p"; rm -rf $t
