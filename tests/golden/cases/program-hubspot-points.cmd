# The HubSpot example program, points model (examples/programs/hubspot): its
# worked cases, each a rule test (README.md works them by hand; the oracle in
# tests/tools/programs_oracle.py agrees): money to points, const, meets a
# higher tier, a schema imported from hubspot-schema.tier
tierc test examples/programs/hubspot/hubspot-points.tier examples/programs/hubspot/hubspot-points.tests
