# several --trust keys mean "any of these"
top=$PWD; d=$(mktemp -d); cd "$d" || exit 9
for k in a b c; do tierc keygen -o $k > /dev/null; done
tierc compile "$top/examples/card.tier" -o c.tbc > /dev/null
cp c.tbc by-b.tbc; tierc sign --key b.key by-b.tbc > /dev/null
cp c.tbc by-c.tbc; tierc sign --key c.key by-c.tbc > /dev/null
printf '{"id":"C-1","type":"consulting","certified_people":4,"business_pro":2}\n' > p.jsonl
tiervm eval --trust a.pub --trust b.pub by-b.tbc p.jsonl 2>&1 | sed 's/by key [0-9a-f]*/by key B/' | cut -c1-60; echo "exit $?"
tiervm eval --trust a.pub --trust b.pub by-c.tbc p.jsonl; echo "exit $?"
tiervm eval --trust a.pub --trust b.pub c.tbc p.jsonl; echo "exit $?"
cd "$top" && rm -rf "$d"
