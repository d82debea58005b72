# Japanese (LANGUAGE=ja): "--" ends the options; unknown options named
t=$(mktemp -d) && tierc compile examples/card.tier -o "$t/--help" >/dev/null && cd "$t" && { LANGUAGE=ja tierc disasm -- --help | head -2; echo "exit $?"; cd "$OLDPWD"; rm -rf "$t"; }
LANGUAGE=ja tierc disasm -x; echo "exit $?"
LANGUAGE=ja tierc disasm a.tbc b.tbc; echo "exit $?"
LANGUAGE=ja tierc disasm --opcodes a.tbc; echo "exit $?"
LANGUAGE=ja tierc diff -- --old.tier --new.tier; echo "exit $?"
LANGUAGE=ja tierc test -- --coverage; echo "exit $?"
