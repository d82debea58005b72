tierc compile rules/apn-2019.tier -o /tmp/tierc-golden-apn2019.tbc >/dev/null && tierc disasm /tmp/tierc-golden-apn2019.tbc
