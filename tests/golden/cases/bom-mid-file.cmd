# a byte order mark past a file's first bytes (a file pasted after another): named as what it is, in rules, rule tests and records (JSON Lines, and after a JSON array, where the array reader said "text after the end of the array"); EN and JA
top=$PWD; d=$(mktemp -d); cd "$d" || exit 9
{ printf '\357\273\277'; cat "$top/examples/card.tier"; printf '\357\273\277tier Top consulting < certified_people >= 20; >\n'; } > card.tier
tierc check card.tier; echo "exit $?"
cp "$top/examples/card.tier" ok.tier
{ printf '\357\273\277%s\n' '{"test":"one","id":"C-1","type":"consulting","certified_people":4,"business_pro":2,"expect":{"tier":"Select"}}'
  printf '\357\273\277%s\n' '{"test":"two","id":"C-2","type":"consulting","certified_people":0,"business_pro":0,"expect":{"tier":"Registered"}}'
  printf '{"test":"three","expect":{"tier":"Select"},"id":"C-3\357\273\277\n'; } > ok.tests
tierc test ok.tier ok.tests; echo "exit $?"
{ printf '\357\273\277%s\n' '{"id":"C-1","type":"consulting","certified_people":4,"business_pro":2}'
  printf '\357\273\277%s\n' '{"id":"C-2","type":"consulting","certified_people":4,"business_pro":2}'
  printf '%s\n' '{"id":"C-3","type":"consulting","certified_people":4,"business_pro":2}'
  printf '{"id":"C-4","type":"consulting","certified_people":\357\273\2774,"business_pro":2}\n'; } > p.jsonl
tiervm eval -f csv ok.tier p.jsonl; echo "exit $?"
{ printf '[%s]\n' '{"id":"C-1","type":"consulting","certified_people":4,"business_pro":2}'; printf '\357\273\277[%s]\n' '{"id":"C-2","type":"consulting","certified_people":4,"business_pro":2}'; } > a.json
tiervm eval -f csv ok.tier a.json; echo "exit $?"
LANGUAGE=ja tierc check card.tier; LANGUAGE=ja tiervm eval -f csv ok.tier p.jsonl 2>&1 | tail -1; LANGUAGE=ja tiervm eval -f csv ok.tier a.json 2>&1 | tail -1
cd "$top" && rm -rf "$d"
