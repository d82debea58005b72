# tests/golden/data/bad/utf16.tier is UTF-16 (as Excel and Notepad save "Unicode"): one error, no garbled lines
tierc check tests/golden/data/bad/utf16.tier
