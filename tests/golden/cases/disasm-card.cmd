tierc compile examples/card.tier -o /tmp/tierc-golden-card.tbc >/dev/null && tierc disasm /tmp/tierc-golden-card.tbc
