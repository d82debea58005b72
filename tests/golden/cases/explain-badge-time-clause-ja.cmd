# tiervm explain in Japanese: what a badge's time clause covers, the badge's
# own requirements (it said "the whole ladder up to Security")
LANGUAGE=ja tiervm explain --as-of 2024-06-15 --id MSP-1 examples/programs/microsoft-security/microsoft-security.tier examples/programs/microsoft-security/profiles.jsonl | grep -A1 'Security の要件\|はしご'
