for i in b c; do LANGUAGE=ja tiervm explain --id $i tests/golden/data/trust/period-dates.tier tests/golden/data/trust/period-dates.jsonl; done
