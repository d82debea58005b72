# imports stay in the main file's directory tree unless --import-path allows more;
# a file that is not rules is never quoted; a FIFO, a device or a directory is refused without blocking
tierc check tests/golden/data/imports/traversal.tier
tierc check --import-path /etc tests/golden/data/imports/traversal.tier
top=$PWD; d=$(mktemp -d); cd "$d" || exit 9
mkdir rules outside; cp "$top/rules/apn-schema.tier" outside/schema.tier
ln -s ../outside/schema.tier rules/link.tier; mkfifo rules/fifo.tier; mkdir rules/dir.tier
printf 'import "link.tier";\nimport "fifo.tier";\nimport "dir.tier";\nimport "/dev/zero";\n' > rules/main.tier
cat "$top/rules/apn-2019.tier" | grep -v '^import' >> rules/main.tier
timeout 20 tierc check --import-path /dev rules/main.tier 2>&1 | grep -v "^ " | head -4
echo "with the schema's directory allowed:"
sed -i '/fifo\|dir\.tier\|dev\/zero/d' rules/main.tier
timeout 20 tierc check --import-path outside rules/main.tier
cd "$top" && rm -rf "$d"
