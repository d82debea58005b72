#!/bin/sh
# make install into a temporary DESTDIR with PREFIX=/usr: exactly the
# expected files are installed; examples/embed.c builds against the installed
# libtier.so with `pkg-config --cflags --libs tier` and, run on the installed
# rules and the first partner of examples/partners.jsonl, finds P-0001's tier
# (Registered); the library looks for the installed Japanese catalogue in
# PREFIX/share/locale; the installed man pages render with `man -l` without a
# warning (skipped without man); make uninstall leaves no file behind.
#
# make installs from the build tree of the running check: `make check`
# passes its BUILD, BIN, LIB, CC, OPT, ... down in MAKEFLAGS (run by hand, the
# defaults apply), and everything is up to date by then, so install only
# copies.  TIER_CC and TIER_LDFLAGS (set by make check) build embed.c as the
# library was built (clang and the sanitizers under make asan); TIER_WRAP
# (make valgrind) runs it under valgrind.
cc=${TIER_CC:-cc}
make=${MAKE:-make}
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
dest=$t/root
fail() { echo "FAIL: $*"; exit 1; }
for c in "$make" pkg-config "$cc"; do
  command -v "$c" >/dev/null 2>&1 || { echo "skip: $c is not installed"; exit 77; }
done

# ---- install ---------------------------------------------------------------
"$make" -s install DESTDIR="$dest" PREFIX=/usr >"$t/make.log" 2>&1 ||
  { tail -20 "$t/make.log"; fail "make install DESTDIR=... PREFIX=/usr"; }

version=$(sed -n 's/.*TIER_VERSION "\([^"]*\)".*/\1/p' include/tier.h)
major=$(sed -n 's/^#define TIER_ABI \([0-9]*\).*/\1/p' include/tier.h)
{
  printf '%s\n' ./usr/bin/tierc ./usr/bin/tiervm ./usr/include/tier.h \
    ./usr/lib/libtier.a ./usr/lib/libtier.so "./usr/lib/libtier.so.$major" "./usr/lib/libtier.so.$version" \
    ./usr/lib/pkgconfig/tier.pc ./usr/share/man/man1/tierc.1 ./usr/share/man/man1/tiervm.1 \
    ./usr/share/man/man5/tier.5 ./usr/share/locale/ja/LC_MESSAGES/tierc.mo
  for r in rules/*.tier; do echo "./usr/share/tierc/rules/${r#rules/}"; done
} | sort > "$t/expected"
(cd "$dest" && find . ! -type d | sort) > "$t/installed"
if ! cmp -s "$t/expected" "$t/installed"; then
  diff "$t/expected" "$t/installed" | sed 's/^/  /'
  fail "the installed files are not the expected ones (< expected, > installed)"
fi
L=$dest/usr/lib
[ -L "$L/libtier.so" ] && [ -L "$L/libtier.so.$major" ] && [ -f "$L/libtier.so.$version" ] && [ ! -L "$L/libtier.so.$version" ] ||
  fail "libtier.so and libtier.so.$major must be links to libtier.so.$version"
[ "$L/libtier.so" -ef "$L/libtier.so.$version" ] || fail "libtier.so does not lead to libtier.so.$version"
grep -q "^Version: $version\$" "$L/pkgconfig/tier.pc" || fail "tier.pc: no 'Version: $version'"
# the library looks for its catalogues where they were installed
grep -aq '/usr/share/locale' "$L/libtier.so.$version" || fail "libtier.so does not look for its messages in /usr/share/locale"
grep -q '^libdir=/usr/lib$' "$L/pkgconfig/tier.pc" || fail "tier.pc: libdir is not /usr/lib"

# ---- examples/embed.c against the installed library, through pkg-config ---
flags=$(PKG_CONFIG_PATH="$L/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest" pkg-config --cflags --libs tier) ||
  fail "pkg-config --cflags --libs tier"
case " $flags " in
  *" -I$dest/usr/include "*"-L$L "*"-ltier "*) ;;
  *) fail "pkg-config gives '$flags'" ;;
esac
# shellcheck disable=SC2086 # flags are words
"$cc" -std=c11 -Wall -Wextra -Werror -o "$t/embed" examples/embed.c $flags $TIER_LDFLAGS 2>"$t/cc.log" ||
  { cat "$t/cc.log"; fail "embed.c does not build with: $cc $flags"; }
needed=$(objdump -p "$t/embed" 2>/dev/null | sed -n 's/^ *NEEDED *//p')
case " $(echo $needed) " in
  *" libtier.so.$major "*) ;;
  *) fail "embed is not linked with libtier.so.$major (NEEDED: $(echo $needed))" ;;
esac
head -1 examples/partners.jsonl > "$t/p1.jsonl"
# shellcheck disable=SC2086 # TIER_WRAP is a command line (e.g. valgrind -q ...)
LD_LIBRARY_PATH="$L" $TIER_WRAP "$t/embed" "$dest/usr/share/tierc/rules/apn-2019.tier" "$t/p1.jsonl" >"$t/out" 2>"$t/err"
rc=$?
[ $rc -eq 0 ] || { cat "$t/err"; fail "embed exited with status $rc"; }
grep -q '^id: P-0001$' "$t/out" && grep -q '^tier: Registered$' "$t/out" && grep -q '^next: Select$' "$t/out" &&
  grep -q '^unmet: .*need ' "$t/out" || { cat "$t/out" "$t/err"; fail "embed: P-0001 is not Registered, next Select"; }
# (standard error may hold the ruleset's warnings, never an error)
grep -q 'error\|^embed:' "$t/err" && { cat "$t/err"; fail "embed reported an error"; }
# standard input, and an error: a record without its required fields is rejected (exit 1)
echo '{"id":"P-x","type":"consulting"}' | LD_LIBRARY_PATH="$L" "$t/embed" "$dest/usr/share/tierc/rules/apn-2019.tier" >/dev/null 2>"$t/err"
rc=$?
[ $rc -eq 1 ] && grep -q 'record rejected' "$t/err" || { cat "$t/err"; fail "embed on a bad record: exit $rc, not 1"; }

# ---- the man pages -----------------------------------------------------------
man="man pages not checked (man is not installed)"
if command -v man >/dev/null 2>&1; then
  for p in man1/tierc.1 man1/tiervm.1 man5/tier.5; do
    f=$dest/usr/share/man/$p
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$f" >"$t/man.out" 2>"$t/man.err" ||
      { cat "$t/man.err"; fail "man -l $p exits with an error"; }
    [ -s "$t/man.err" ] && { cat "$t/man.err"; fail "man -l $p: warnings"; }
    name=$(basename "$p"); name=${name%.*}
    grep -q "^NAME" "$t/man.out" && grep -q "$name" "$t/man.out" || fail "man -l $p: nothing rendered"
  done
  man="3 man pages render"
fi

# ---- uninstall -----------------------------------------------------------------
"$make" -s uninstall DESTDIR="$dest" PREFIX=/usr >"$t/make.log" 2>&1 ||
  { tail -20 "$t/make.log"; fail "make uninstall"; }
left=$(cd "$dest" && find . ! -type d)
[ -z "$left" ] || { echo "$left" | sed 's/^/  /'; fail "files left after make uninstall"; }
[ -d "$dest/usr/share/tierc" ] && fail "share/tierc is left after make uninstall"
echo "ok: $(wc -l <"$t/expected" | tr -d ' ') files installed and removed; embed via pkg-config: P-0001 Registered; $man"
exit 0
