tierc compile tests/golden/data/checkpoints.tier -o /tmp/tierc-golden-checkpoints.tbc >/dev/null && tierc disasm /tmp/tierc-golden-checkpoints.tbc | grep -E "^(tier|badge|; format)"
