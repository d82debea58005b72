# disasm of tier values: tier constants by name, the grant of a tier value
# and its code, a comparison guarded by the partner type
t=/tmp/tierc-golden-carried.tbc && tierc compile tests/golden/data/carried.tier -o $t && tierc disasm $t | grep -v '^; /tmp'; rm -f $t
