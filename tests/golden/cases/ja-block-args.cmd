# Japanese (LANGUAGE=ja): tierc diff says a threshold passed to a requirements block where the argument is written (block-args)
D=tests/golden/data; LANGUAGE=ja tierc diff $D/block-args.tier $D/block-args-v2.tier 2>/dev/null
