# keys the rules do not declare: passed over, one warning at the end naming each (count, did you mean); --strict: record errors
top=$PWD; d=$(mktemp -d); cd "$d" || exit 9
printf '%s\n' '{"id":"C-1","type":"consulting","certifed_people":4,"certified_people":4,"business_pro":2}' \
  '{"id":"C-2","type":"consulting","certified_people":4,"busines_pro":1,"business_pro":2,"note":"x"}' \
  '{"id":"C-3","type":"consulting","certified_people":4,"business_pro":2,"certifed_people":1}' > p.jsonl
cp "$top/examples/card.tier" .
tiervm eval -f csv card.tier p.jsonl; echo "exit $?"
tiervm eval -f csv --strict card.tier p.jsonl; echo "exit $?"
tiervm diff --strict card.tier card.tier p.jsonl > out; echo "exit $?"; grep -c "unknown field" out
tiervm report card.tier p.jsonl -o r.html; echo "exit $?"
cd "$top" && rm -rf "$d"
