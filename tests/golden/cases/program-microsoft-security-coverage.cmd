# The Microsoft example's coverage: its 54 thresholds compare formula calls
# (pcs(security, enterprise) >= 70), each counted and probed with the call's
# value from the requirement's trace, "just" one step of the call's values
# (20/6 points a deployment: ≈3.33); skilling_points(a) >= 1, in both
# segments of a badge, is one threshold of the badge; the first lines of
# what is left
tierc test --coverage examples/programs/microsoft-security/microsoft-security.tier examples/programs/microsoft-security/microsoft-security.tests | sed -n '/^coverage/,$p' | head -12
