for f in unclosed-enum unclosed-list field-semicolon; do tierc check tests/golden/data/bad/$f.tier; done
