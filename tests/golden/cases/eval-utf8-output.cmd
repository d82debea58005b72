# every output line is UTF-8 JSON whatever the input bytes: a file name that is not UTF-8, a bad escape before a non-ASCII byte, an unknown value cut at 60 bytes
top=$PWD; d=$(mktemp -d); cd "$d" || exit 9
printf '{"id":"A","type":"consulting","x":"\\\303\251"}\n' > "$(printf 'bad\377name').jsonl"
printf '{"id":"B","type":"%s\303\251"}\n' aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa > ok.jsonl
tiervm eval --format json "$top/rules/apn-2019.tier" bad*.jsonl ok.jsonl > out.json; echo "exit $?"
cat out.json
iconv -f UTF-8 -t UTF-8 out.json > /dev/null && echo "valid UTF-8"
cd "$top" && rm -rf "$d"
