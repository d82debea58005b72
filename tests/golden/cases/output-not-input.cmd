# -o naming any input of the same run (the source, an import, the signing key, a record file) is refused, inputs intact
top=$PWD; d=$(mktemp -d); cd "$d" || exit 9
cp "$top/examples/card.tier" card.tier; cp "$top"/rules/*.tier .; cp "$top/examples/partners.jsonl" p.jsonl
tierc compile card.tier -o card.tier; echo "exit $?"; head -c 12 card.tier; echo
tierc compile apn-2019.tier -o apn-schema.tier; echo "exit $?"; head -c 12 apn-schema.tier; echo
tierc compile card.tier -o x.tbc > /dev/null; tierc keygen -o k > /dev/null
tierc sign --key k.key x.tbc -o k.key; echo "exit $?"; head -c 24 k.key; echo
tiervm report apn-2019.tier p.jsonl -o p.jsonl; echo "exit $?"; head -c 15 p.jsonl; echo
tiervm report --diff card.tier apn-2019.tier p.jsonl -o card.tier < /dev/null; echo "exit $?"
tiervm report apn-2019.tier -o p.jsonl < p.jsonl; echo "exit $?"
cd "$top" && rm -rf "$d"
