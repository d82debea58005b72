#!/bin/sh
# The hint make gives a user who is not root when Debian packages are
# missing (issue 15.5): through su on a machine without sudo (a fresh
# Debian), with sudo where it is installed; and never installs anything.
# make asan, tsan and fuzz ask for clang the same way.
# dpkg-query, id and sudo are stand-ins on a PATH of their own.
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
make=$(command -v "${MAKE:-make}") || { echo "skip: no make"; exit 77; }
mkdir "$t/bin"
for c in sh grep mkdir touch; do ln -s "$(command -v $c)" "$t/bin/$c" || fail "no $c"; done
printf '#!/bin/sh\necho 1000\n' > "$t/bin/id"                  # not root
printf '#!/bin/sh\nexit 1\n' > "$t/bin/dpkg-query"             # nothing installed
printf '#!/bin/sh\necho apt-get was run >&2; exit 1\n' > "$t/bin/apt-get"
chmod +x "$t/bin/id" "$t/bin/dpkg-query" "$t/bin/apt-get"

PATH=$t/bin "$make" -s deps BUILD="$t/build" > "$t/out" 2>&1 && fail "make deps succeeded with packages missing"
grep -q "^run as root: su -c 'apt-get update && apt-get install -y .*bison" "$t/out" || { cat "$t/out"; fail "no su hint without sudo"; }
grep -q sudo "$t/out" && { cat "$t/out"; fail "the hint names sudo on a machine without it"; }

printf '#!/bin/sh\nexit 1\n' > "$t/bin/sudo"
chmod +x "$t/bin/sudo"
PATH=$t/bin "$make" -s deps BUILD="$t/build" > "$t/out" 2>&1 && fail "make deps succeeded with packages missing"
grep -q "^run: sudo apt-get update && sudo apt-get install -y .*bison" "$t/out" || { cat "$t/out"; fail "no sudo hint where sudo is installed"; }
grep -q "apt-get was run" "$t/out" && fail "apt-get was run for a user who is not root"
[ -e "$t/build/.deps" ] && fail "deps were marked installed"

# make asan, tsan and fuzz need clang and its sanitizer runtimes: the same hint
mkdir -p "$t/build" && touch "$t/build/.deps"
PATH=$t/bin "$make" -s "$t/build/.san-deps" BUILD="$t/build" > "$t/out" 2>&1 && fail "the sanitizers' packages were taken as installed"
grep -q "^run: sudo apt-get update && sudo apt-get install -y clang libclang-rt-dev" "$t/out" || { cat "$t/out"; fail "no hint for clang"; }
echo "ok: without root, make names the command to install the packages: through su without sudo, with sudo where it is installed"
