# The Hilton Honors example program (examples/programs/hilton-honors): its
# worked cases, each a rule test (README.md works them by hand; the oracle
# in tests/tools/programs_oracle.py agrees): tier fields, grants of a tier
# value and of a tier, either paths, a badge
tierc test examples/programs/hilton-honors/hilton-honors.tier examples/programs/hilton-honors/hilton-honors.tests
