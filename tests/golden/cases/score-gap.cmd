# the smallest change to a score of several inputs (SPEC 3.5): each input whose change alone meets it, fewest units first ("+5 certified or +23 wins"; capped net_adds alone cannot); money by the cent, an input that can only fall (churned) counted down to 0; an input another input depends on (certified beside twice) is none, so doubled keeps its own distance; explain shows the score's definition and its inputs' values
tiervm explain tests/golden/data/score.tier tests/golden/data/score.jsonl
tiervm eval --format table tests/golden/data/score.tier tests/golden/data/score.jsonl
tiervm eval tests/golden/data/score.tier tests/golden/data/score.jsonl
