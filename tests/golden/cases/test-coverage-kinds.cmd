tierc test tests/golden/data/trust/coverage-kinds.tier tests/golden/data/trust/coverage-kinds.tests --coverage 2>&1 | grep -v "^ *[0-9]* |\|^ *| \|warning"
