# a tier reference beside a condition that overflows (SPEC 3.5, lazy and/or/if): the records whose final values never read the overflow are evaluated (a round before the last read it and rejected them); trip and quiet read it and are runtime errors
tiervm eval --as-of 2024-06-30 -f table tests/ref/cases/reference-lazy.tier tests/ref/cases/reference-lazy.jsonl
