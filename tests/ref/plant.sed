# The planted bug of tests/sh/difftest-planted.sh: integer `>=` evaluated as
# `>` (on the stack, against a constant, and in the jumping form).
s/vmcase(GE_I) CMP_I(>=)/vmcase(GE_I) CMP_I(>)/
s/vmcase(GEK_I) CMPK_I(>=)/vmcase(GEK_I) CMPK_I(>)/
s/vmcase(JNGEK_I) JNK_I(>=)/vmcase(JNGEK_I) JNK_I(>)/
