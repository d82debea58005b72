tierc test tests/golden/data/trust/coverage-metrics.tier tests/golden/data/trust/coverage-metrics.tests --coverage 2>&1 | grep -v "^ *[0-9]* |\|^ *| \|warning"
