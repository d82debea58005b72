# every command that writes a file refuses, with one error and exit 2, a name that is empty, ends in '/'
# or is a directory, and leaves nothing behind (tierc keygen -o keys/ once wrote keys/.key and keys/.pub)
top=$PWD; d=$(mktemp -d); cd "$d" || exit 9
mkdir keys; cp "$top/examples/card.tier" card.tier
tierc keygen -o keys/; echo "exit $?"
tierc keygen -o keys; echo "exit $?"
tierc keygen -o ''; echo "exit $?"
tierc keygen -o new/; echo "exit $?"
# a pair or nothing: when NAME.pub cannot be made, NAME.key is not left alone
touch k.pub; tierc keygen -o k; echo "exit $?"; rm k.pub
tierc compile card.tier -o new/; echo "exit $?"
tierc compile card.tier -o card.tier/; echo "exit $?"
tierc compile card.tier -o keys/; echo "exit $?"
tierc compile card.tier -o ''; echo "exit $?"
tierc keygen -o k > /dev/null; tierc compile card.tier > /dev/null
tierc sign --key k.key card.tbc -o new/; echo "exit $?"
tierc sign --key k.key card.tbc -o keys; echo "exit $?"
# tiervm report refuses before reading a record
echo '{' | tiervm report card.tbc -o keys/; echo "exit $?"
echo '{' | tiervm report card.tbc -o ''; echo "exit $?"
tierc fmt -w keys/; echo "exit $?"
ls -A . keys
cd "$top" && rm -rf "$d"
