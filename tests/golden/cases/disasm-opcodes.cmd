tierc disasm --opcodes
