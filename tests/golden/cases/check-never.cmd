# tierc check: a requirement that never holds (constants, false), two empty tiers in a row, an unconditional grant of the top tier: a warning each, EN and JA
tierc check tests/golden/data/trust/check-never.tier; echo "exit $?"; LANGUAGE=ja tierc check tests/golden/data/trust/check-never.tier
