# a tests file that cannot be read (missing, or a directory) is said so and is a usage error
# (exit 2, tierc(1)), not a failed test; the other files still run
out=$(tierc test rules/apn-2019.tier tests/golden/data/no-such.tests examples/apn-2019.tests tests/golden/data); rc=$?
printf '%s\n' "$out" | grep -v '^ok '; echo "exit $rc"
tierc test rules/apn-2019.tier tests/golden/data; echo "exit $?"
