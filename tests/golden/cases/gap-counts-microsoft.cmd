# The gap of the Microsoft example's compared formula calls (issue 18 item 8):
# a call whose inputs are counts and sums over the customer rows names the
# smallest increase of each that alone meets it, by its formula's call
# (`+2 growing_customers(modern_work, enterprise)`), where it said the value
# the call must reach; when none alone does (MSP-2's score of ≈40.67: each
# metric's points are capped), it still says that value
M=examples/programs/microsoft-security; tiervm explain --as-of 2024-06-15 --id MSP-4 $M/microsoft-security.tier $M/profiles.jsonl | grep -m1 'Smallest change'; tiervm eval -f json --as-of 2024-06-15 $M/microsoft-security.tier $M/profiles.jsonl | grep '"MSP-2"' | grep -o '"rule":"[a-z_]*(security, [a-z]*) >= [0-9]*","need":"[^"]*"'
