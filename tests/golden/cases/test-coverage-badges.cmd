# --coverage of badges: any partner's test probes a badge's thresholds, listed under the badge
tierc test tests/golden/data/trust/coverage-badges.tier tests/golden/data/trust/coverage-badges.tests --coverage
