# the smallest change to a score of several inputs in Japanese (LANGUAGE=ja): "or" between the inputs' changes, and the score's parts, said in whole Japanese sentences
LANGUAGE=ja tiervm explain tests/golden/data/score.tier tests/golden/data/score.jsonl --id S-2
LANGUAGE=ja tiervm eval --format table tests/golden/data/score.tier tests/golden/data/score.jsonl
