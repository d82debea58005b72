# report-badges-summary in Japanese: a ruleset of badges alone (the Microsoft example), its summary in
# badges (partners, review date, partners holding each badge), and with --diff
# (the score's threshold raised to 75) the badges gained and lost as tiles and
# under each badge, and the impact: who gains and loses each badge and why
# (no type column); before, the page said "This ruleset has no partner types"
# and had no summary, rule change or impact
M=examples/programs/microsoft-security; t=$(mktemp -d) && sed 's/pcs(a, s) >= 70/pcs(a, s) >= 75/' $M/microsoft-security.tier > $t/new.tier && for d in "" "--diff $M/microsoft-security.tier"; do LANGUAGE=ja tiervm report --as-of 2024-06-15 $t/new.tier $M/profiles.jsonl $d -o - 2>&1 | sed -n '/<main>/,/<\/main>/p' | sed 's/<[^>]*>/ /g; s/&nbsp;/ /g; s/&#9650;/+/g; s/&#9660;/-/g; s/  */ /g; s/^ //; /^ *$/d' | sed -n '/^概要/,/^各バッジを阻んでいるもの/p;/^ルール変更の影響/,$p' | sed "s|$t|NEW|g"; done; s=$?; rm -rf $t; exit $s
