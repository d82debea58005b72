# every file is read only if it is a regular file, and only up to its limit:
# a device or a FIFO is refused without blocking, a huge file without being read whole;
# a source that cannot be read is a usage error (exit 2), a key file that is not one key is
# refused as a ruleset is (exit 3: tiervm(1) --trust)
top=$PWD; d=$(mktemp -d); cd "$d" || exit 9
mkfifo rules.tier key.pub
timeout 20 tiervm eval --trust /dev/zero "$top/rules/apn-2019.tier" < /dev/null; echo "exit $?"
timeout 20 tiervm eval --trust key.pub "$top/rules/apn-2019.tier" < /dev/null; echo "exit $?"
timeout 20 tiervm eval rules.tier < /dev/null; echo "exit $?"
timeout 20 tierc check rules.tier; echo "exit $?"
timeout 20 tierc check /dev/null; echo "exit $?"
head -c 5000 /dev/zero > big.pub
timeout 20 tiervm eval --trust big.pub "$top/rules/apn-2019.tier" < /dev/null; echo "exit $?"
head -c 9000000 /dev/zero > big.tier
timeout 20 tierc check big.tier; echo "exit $?"
# the same source is refused the same way by every command that reads a ruleset
timeout 20 tierc diff big.tier big.tier; echo "exit $?"
timeout 20 tiervm eval big.tier < /dev/null; echo "exit $?"
timeout 20 tiervm diff "$top/examples/card.tier" big.tier < /dev/null; echo "exit $?"
cd "$top" && rm -rf "$d"
timeout 20 tierc check --max-source 100 examples/card.tier; echo "exit $?"
