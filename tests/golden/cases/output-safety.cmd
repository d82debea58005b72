# -o writes only a regular file (through a symbolic link), atomically, keeping its mode, never an input of the same run
top=$PWD; d=$(mktemp -d); cd "$d" || exit 9
cp "$top/examples/card.tier" card.tier
tierc compile card.tier -o /dev/null; echo "exit $?"; test -c /dev/null && echo "/dev/null is still a device"
mkdir dir; mkfifo fifo
tierc compile card.tier -o dir; echo "exit $?"
timeout 20 tierc compile card.tier -o fifo; echo "exit $?"
ln -s /dev/null devlink; ln -s nowhere dangling
tierc compile card.tier -o devlink; echo "exit $?"
tierc compile card.tier -o dangling; echo "exit $?"
echo keep > target; ln -s target link
tierc compile card.tier -o link > /dev/null; echo "exit $?"; test -L link && echo "link kept"; head -c 4 target | od -An -c
ln card.tier hard.tier
tierc compile card.tier -o hard.tier; echo "exit $?"; head -c 11 hard.tier; echo
echo old > out.tbc; chmod 640 out.tbc
tierc compile card.tier -o out.tbc > /dev/null; echo "exit $?"; stat -c '%a %s' out.tbc; head -c 4 out.tbc | od -An -c
cp "$top"/rules/apn-*.tier .; mkdir small
(trap '' XFSZ; ulimit -f 1; tierc compile apn-2019.tier -o small/out.tbc); echo "exit $?"; ls -A small; echo "(nothing left in small/)"
tierc keygen -o k > /dev/null
tierc sign --key k.key out.tbc > /dev/null; echo "sign in place: exit $?"
tiervm report --trust k.pub out.tbc -o k.pub < /dev/null; echo "exit $?"; head -c 5 k.pub; echo
cd "$top" && rm -rf "$d"
