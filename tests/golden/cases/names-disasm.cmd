t=$(mktemp -d) && tierc compile tests/golden/data/names.tier -o $t/names.tbc >/dev/null && tierc disasm $t/names.tbc | sed -n "/; schema/,/^$/p"; rm -rf $t
