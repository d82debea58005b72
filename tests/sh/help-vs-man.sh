#!/bin/sh
# The man pages and --help agree.  For tierc and tiervm:
#   - every long option (--xxx) in `CLI --help` is in the man page;
#   - every long option in the man page's OPTIONS section is in `CLI --help`,
#     and every long option anywhere in the page is in the --help of tierc
#     or tiervm (the pages mention each other's options);
#   - the commands of --help and those of the man page's SYNOPSIS are the
#     same, and each has an entry in the page's COMMANDS section.
# tier(5) may mention only options that exist.  POSIX sh, grep, sed, sort,
# comm and tr only.
bin=${TIER_BIN:-bin}
man=${TIER_MAN:-docs/man}
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# roff source -> text: no comments, \- is -, no font escapes
plain() {
  sed -e '/^\.\\"/d' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f([A-Z][A-Z]//g' -e 's/\\&//g' "$1"
}
# the long options in a text, one a line, sorted
longopts() {
  tr -cs 'A-Za-z0-9_-' '\n' | grep '^--[A-Za-z]' | sort -u
}
# the lines of one section (.SH NAME) of roff text on stdin
section() {
  sed -n "/^\\.SH \"\\{0,1\\}$1\"\\{0,1\\}\$/,/^\\.SH/p"
}
list() { tr '\n' ' ' < "$1" | sed 's/ $//'; }

for cli in tierc tiervm; do
  "$bin/$cli" --help > "$t/$cli.help" 2>&1 || fail "$cli --help exits with an error"
done
cat "$t/tierc.help" "$t/tiervm.help" | longopts > "$t/all.opts"

summary=""
for cli in tierc tiervm; do
  page=$man/$cli.1
  [ -f "$page" ] || { fail "$page is missing"; continue; }
  plain "$page" > "$t/$cli.man"
  longopts < "$t/$cli.help" > "$t/$cli.hopts"
  longopts < "$t/$cli.man" > "$t/$cli.mopts"
  section OPTIONS < "$t/$cli.man" | longopts > "$t/$cli.sopts"
  [ -s "$t/$cli.sopts" ] || fail "$page: no OPTIONS section, or no option in it"

  comm -23 "$t/$cli.hopts" "$t/$cli.mopts" > "$t/d"
  [ -s "$t/d" ] && fail "$cli --help has options that $page does not mention: $(list "$t/d")"
  comm -23 "$t/$cli.sopts" "$t/$cli.hopts" > "$t/d"
  [ -s "$t/d" ] && fail "$page OPTIONS has options that $cli --help does not list: $(list "$t/d")"
  comm -23 "$t/$cli.mopts" "$t/all.opts" > "$t/d"
  [ -s "$t/d" ] && fail "$page mentions options that neither tierc nor tiervm has: $(list "$t/d")"

  # commands: tierc lists them under "commands:", tiervm in its usage lines
  {
    sed -n '/^commands:/,/^$/p' "$t/$cli.help" | sed -n 's/^  \([a-z][a-z]*\)\( .*\)\{0,1\}$/\1/p'
    sed -n "s/^[a-z:]* *$cli \\([a-z][a-z]*\\)\\( .*\\)\\{0,1\\}\$/\\1/p" "$t/$cli.help"
  } | sort -u > "$t/$cli.hcmds"
  section SYNOPSIS < "$t/$cli.man" | sed -n "s/^\\.B[IR]* *$cli \\([a-z][a-z]*\\).*/\\1/p" | sort -u > "$t/$cli.mcmds"
  [ -s "$t/$cli.hcmds" ] || fail "no commands found in $cli --help"
  comm -23 "$t/$cli.hcmds" "$t/$cli.mcmds" > "$t/d"
  [ -s "$t/d" ] && fail "$cli --help has commands that the SYNOPSIS of $page lacks: $(list "$t/d")"
  comm -13 "$t/$cli.hcmds" "$t/$cli.mcmds" > "$t/d"
  [ -s "$t/d" ] && fail "the SYNOPSIS of $page has commands that $cli --help lacks: $(list "$t/d")"
  section COMMANDS < "$t/$cli.man" > "$t/$cli.cmdsec"
  while read -r c; do
    grep -q "^\\.B[IR]* \"\\{0,1\\}$c\\([ \"].*\\)\\{0,1\\}\$" "$t/$cli.cmdsec" ||
      fail "$page: no entry for the command '$c' under COMMANDS"
  done < "$t/$cli.hcmds"
  summary="$summary $cli: $(wc -l < "$t/$cli.hopts" | tr -d ' ') options, $(wc -l < "$t/$cli.hcmds" | tr -d ' ') commands;"
done

if [ -f "$man/tier.5" ]; then
  plain "$man/tier.5" | longopts > "$t/tier5.opts"
  comm -23 "$t/tier5.opts" "$t/all.opts" > "$t/d"
  [ -s "$t/d" ] && fail "tier.5 mentions options that neither tierc nor tiervm has: $(list "$t/d")"
else
  fail "$man/tier.5 is missing"
fi

[ $fails -eq 0 ] || exit 1
echo "ok:${summary%;}"
exit 0
