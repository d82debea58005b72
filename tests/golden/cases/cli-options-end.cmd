# "--" ends a subcommand's options: a file named like an option is a file (here
# a .tbc named --help is disassembled, not taken for a call for help), and an
# option the subcommand does not know is named, not opened as a file
t=$(mktemp -d) && tierc compile examples/card.tier -o "$t/--help" >/dev/null && cd "$t" && { tierc disasm -- --help | head -2; echo "exit $?"; cd "$OLDPWD"; rm -rf "$t"; }
tierc disasm -x; echo "exit $?"
tierc disasm a.tbc b.tbc; echo "exit $?"
tierc disasm --opcodes a.tbc; echo "exit $?"
tierc diff -- --old.tier --new.tier; echo "exit $?"
tierc test -- --coverage; echo "exit $?"
