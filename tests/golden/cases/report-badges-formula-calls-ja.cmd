# report of a ruleset of badges alone (the Microsoft example), in Japanese: what keeps
# partners from each badge, how far their formula-call values are from the
# threshold (pcs(security, enterprise) >= 70: the call's actual / required), and the
# paths the holders take (from the page's heading to that section; the summary
# is report-badges-summary's)
LANGUAGE=ja tiervm report --as-of 2024-06-15 examples/programs/microsoft-security/microsoft-security.tier examples/programs/microsoft-security/profiles.jsonl -o - 2>&1 | sed -n '/<main>/,/<\/main>/p' | sed 's/<div class="chart gap" role="img" aria-label="\([^"]*\)">/[\1] /g; s/<[^>]*>/ /g; s/&nbsp;/ /g; s/&#8627;/->/g; s/  */ /g; s/^ //; /^ *$/d' | sed -n '1,2p;/^各バッジを阻んでいるもの/,$p' | sed -n '1,40p'
