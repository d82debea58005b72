# report -j N: the same page, the same rejected records in input order on standard error and the same exit status as -j 1 -- with --diff (more moves than the page lists, records the old rules reject) and with paths, at least and badges
t=$(mktemp -d) && for i in $(seq 30); do cat examples/partners.jsonl tests/golden/data/bad-records.jsonl; done > $t/apn.jsonl && awk 'BEGIN { for (i = 0; i < 900; i++) printf "{\"id\":\"G-%d\",\"type\":\"member\",\"nights\":%d,\"stays\":%d,\"spend\":%d,\"suite\":%s,\"lounge\":%s,\"spa\":%s,\"visits\":[%s]%s}\n", i, i * 13 % 110, i * 7 % 55, i * 577 % 21000, i % 2 ? "true" : "false", i % 3 ? "true" : "false", i % 5 ? "false" : "true", i % 4 ? "" : "{\"day\":\"2026-11-10\"},{\"day\":\"2026-10-05\"},{\"day\":\"2026-09-20\"}", i % 9 ? ",\"since\":2019" : "" }' > $t/guests.jsonl && sed 's/nights >= 80/nights >= 60/; s/stays >= 15/stays >= 9/; s/^  spa: bool;/&\n  since: int;/' tests/golden/data/paths.tier > $t/paths-old.tier
same() { # name, then report's arguments
  name=$1; shift
  tiervm report -j 1 "$@" -o $t/page.html 2> $t/one.err; one=$?; mv $t/page.html $t/one.html
  tiervm report -j 4 "$@" -o $t/page.html 2> $t/four.err; four=$?; mv $t/page.html $t/four.html
  cmp -s $t/one.html $t/four.html && cmp -s $t/one.err $t/four.err && [ $one = $four ] &&
    echo "$name: -j 4 gives the same page, messages and exit status ($four) as -j 1: $(grep -c 'record [0-9]*:' $t/four.err) rejected records told;" \
      "$(grep -o 'tile[^/]*/b>[^<]*\|[0-9,]* records\? the old rules reject\|The first [0-9]* of [0-9,]* partners that move\|[0-9,]* changes of badges, paths and grants' $t/four.html | sed 's/.*<b[^>]*>//; s/<.b>/ /' | tr '\n' ';')"
}
same apn --as-of 2019-12-13 rules/apn-2019.tier $t/apn.jsonl --diff rules/apn-2018.tier
same paths tests/golden/data/paths.tier $t/guests.jsonl --diff $t/paths-old.tier
same paths-alone tests/golden/data/paths.tier $t/guests.jsonl tests/golden/data/paths.jsonl
tiervm report -j 0 rules/apn-2019.tier examples/partners.jsonl -o -; s=$?; rm -rf $t; exit $s
