# tiervm eval's table for a terminal of 80 columns (COLUMNS gives the width as a terminal would): the partners' names, every line cut with "…" (never wrapped by the terminal, no word broken at the line's end where a space is near), AS OF left out to make room, and the summary per partner type and tier at the end; at 60 columns the summary's counts go on to a second line; in Japanese (wide characters count two columns)
COLUMNS=80 tiervm eval -f table rules/apn-2019.tier examples/partners.jsonl
COLUMNS=60 tiervm eval -f table rules/apn-2019.tier examples/partners.jsonl | tail -5
LANGUAGE=ja COLUMNS=80 tiervm eval -f table rules/apn-2019.tier examples/partners.jsonl | sed -n '1,3p;/P-0043/p;/^#/p;/^ /p'
