# standard output that cannot be written (a full disk: /dev/full) is one error and exit status 2, for every command that writes it; a rejected ruleset keeps its 3; EN and JA
tiervm eval --as-of 2020-01-01 -f csv rules/apn-2019.tier examples/partners.jsonl > /dev/full; echo "exit $?"
tiervm explain --as-of 2020-01-01 rules/apn-2019.tier examples/partners.jsonl > /dev/full; echo "exit $?"
tiervm diff --as-of 2020-01-01 rules/apn-2019.tier rules/apn-2019.tier examples/partners.jsonl > /dev/full; echo "exit $?"
tierc fmt examples/card.tier > /dev/full; echo "exit $?"
tierc --help > /dev/full; echo "exit $?"
top=$PWD; t=$(mktemp -d) && cd "$t" && tierc compile "$top/examples/card.tier" -o c.tbc >/dev/null && tierc disasm c.tbc > /dev/full; echo "exit $?"
printf '\177TBCjunk' > bad.tbc; tierc disasm bad.tbc > /dev/full; echo "exit $?"; cd "$top"; rm -rf "$t"
LANGUAGE=ja tiervm eval --as-of 2020-01-01 -f csv rules/apn-2019.tier examples/partners.jsonl > /dev/full; echo "exit $?"
