for f in unclosed-enum unclosed-list; do LANGUAGE=ja tierc check tests/golden/data/bad/$f.tier; done
