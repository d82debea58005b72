# tierc test's second-edition expectations (SPEC 3.5): BRANCH: NAME inside
# an either, "at least", badges (complete), badges_unmet per badge (by name
# or display name), values; what differs, and names that name nothing
tierc test tests/golden/data/paths.tier tests/golden/data/paths.tests
tierc test tests/golden/data/grant.tier tests/golden/data/grant.tests
tierc test examples/programs/hilton-honors/hilton-honors.tier tests/golden/data/hilton-values.tests
