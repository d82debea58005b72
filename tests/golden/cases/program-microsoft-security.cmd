# The Microsoft example program (examples/programs/microsoft-security): its
# worked cases, each a rule test (README.md works them by hand; the oracle in
# tests/tools/programs_oracle.py agrees), strictly checked: their "values"
# name formula calls as explain shows them, pcs(security, enterprise), at any
# depth (skilled_people(security) inside skilling_points(security)); a
# fraction as "208/3"
tierc test examples/programs/microsoft-security/microsoft-security.tier examples/programs/microsoft-security/microsoft-security.tests
