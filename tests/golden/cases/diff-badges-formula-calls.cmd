# tiervm diff of the Microsoft example with the score's threshold raised to
# 75: a badge lost, and for each requirement that takes it, the formula
# call's value and threshold (JSON "actual"/"required", the text's need)
t=$(mktemp -d) && sed 's/pcs(a, s) >= 70/pcs(a, s) >= 75/' examples/programs/microsoft-security/microsoft-security.tier > $t/new.tier && tiervm diff -f json --as-of 2024-06-15 examples/programs/microsoft-security/microsoft-security.tier $t/new.tier examples/programs/microsoft-security/profiles.jsonl | grep -o '"changes".*'; tiervm diff --as-of 2024-06-15 examples/programs/microsoft-security/microsoft-security.tier $t/new.tier examples/programs/microsoft-security/profiles.jsonl | grep 'MSP-'; s=$?; rm -rf $t; exit $s
