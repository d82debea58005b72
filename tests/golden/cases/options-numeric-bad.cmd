# every numeric option: a negative, overflowing, signed, spaced, hex, empty or out-of-range value, or one with a suffix, is a usage error (exit 2) saying the range
for v in -1 18446744073709551616 99999999999999999999999 +5 ' 5' '5 ' 0x10 '' 10k 1e3 0; do
  tiervm eval --max-cost "$v" examples/card.tier /dev/null; echo "exit $?"
done
for v in -5 1 1099511627777 64MiB; do
  tiervm eval --max-record "$v" examples/card.tier /dev/null; echo "exit $?"
done
tiervm diff --max-record=-1 examples/card.tier examples/card.tier /dev/null; echo "exit $?"
tiervm report --max-record 1.5 examples/card.tier /dev/null; echo "exit $?"
for v in -1 0 2147483649 8M; do
  tierc check --max-source "$v" examples/card.tier; echo "exit $?"
done
# the edges are accepted
tiervm eval --max-cost 18446744073709551615 --max-record 2 examples/card.tier /dev/null; echo "exit $?"
tierc check --max-source 2147483648 examples/card.tier; echo "exit $?"
