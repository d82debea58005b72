# explain of the Microsoft example: a path's section headings inside its
# `either` branch stand level with the path's entries (right of the
# branch's own line), each path saying its own sections again; after them,
# what the badge's time clause covers: the badge's own requirements (it
# said "the whole ladder up to Security": a badge has no ladder)
tiervm explain --as-of 2024-06-15 --id MSP-1 examples/programs/microsoft-security/microsoft-security.tier examples/programs/microsoft-security/profiles.jsonl | sed -n '1,36p'
