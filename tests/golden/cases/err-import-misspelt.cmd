# a misspelt import is one error that names the file of a like name, and no
# more: the names the missing file would have defined are not reported as
# unknown, its tiers not as "defined twice"; a name like no file's is just
# "cannot open"; a file outside the main file's tree is never suggested
top=$PWD; d=$(mktemp -d); cd "$d" || exit 9
mkdir rules outside; cp "$top/rules/apn-schema.tier" rules/; cp rules/apn-schema.tier outside/other-schema.tier
for typo in apn-schema.tir apn-shema.tier ../rules/apn-schema.tir nothing-like-it.tier ../outside/other-schema.tir; do
  sed "s|\"apn-schema.tier\"|\"$typo\"|" "$top/rules/apn-2019.tier" > rules/typo.tier
  tierc check rules/typo.tier
done
cd "$top" && rm -rf "$d"
