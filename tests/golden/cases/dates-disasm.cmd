tierc compile tests/golden/data/dates.tier -o /tmp/tierc-golden-dates.tbc >/dev/null && tierc disasm /tmp/tierc-golden-dates.tbc
