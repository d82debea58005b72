# gap-counts-microsoft in Japanese: the counts' increases as explain says them
M=examples/programs/microsoft-security; LANGUAGE=ja tiervm explain --as-of 2024-06-15 --id MSP-4 $M/microsoft-security.tier $M/profiles.jsonl | grep -m2 'growing_customers(modern_work, enterprise))\|+2 growing'
