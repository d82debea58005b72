# a key file is exactly one key, in the form tierc keygen writes; anything else is refused (exit 3)
top=$PWD; d=$(mktemp -d); cd "$d" || exit 9
tierc keygen -o k > /dev/null; tierc compile "$top/examples/card.tier" -o c.tbc > /dev/null; tierc sign --key k.key c.tbc > /dev/null
printf '{"id":"C-1","type":"consulting","certified_people":1,"business_pro":0}\n' > p.jsonl
try() { tiervm eval --trust "$1" c.tbc p.jsonl > /dev/null 2> err; rc=$?; sed "s/by key [0-9a-f]*/by key K/" err; echo "exit $rc"; }
head -c -1 k.pub > nonl.pub; try nonl.pub
{ cat k.pub; echo "# note"; } > junk.pub; try junk.pub
{ cat k.pub; tail -1 k.pub; } > two.pub; try two.pub
{ head -1 k.pub; tail -1 k.pub | tr a-f A-F; } > upper.pub; try upper.pub
sed 's/$/\r/' k.pub > crlf.pub; try crlf.pub
{ head -1 k.pub; tail -1 k.pub | cut -c1-60; } > short.pub; try short.pub
try k.key
tierc sign --key k.pub c.tbc; echo "exit $?"
try missing.pub
# a file that is not a regular file of at most 4096 bytes holds no one key either: exit 3, as above
head -c 5000 /dev/zero > big.pub; try big.pub; try /dev/zero; try .; mkfifo fifo.pub && try fifo.pub
tierc sign --key /dev/zero c.tbc; echo "exit $?"
{ cat k.key; echo extra; } > junk.key; tierc sign --key junk.key c.tbc; echo "exit $?"
# keygen never overwrites, and the secret key is readable by its owner only
tierc keygen -o k; echo "exit $?"; stat -c '%a %n' k.key
cd "$top" && rm -rf "$d"
