# --help after any command of either CLI prints the usage and exits 0
# (tierc diff --help said "unknown option", disasm tried to open '--help')
for c in check compile disasm fmt test diff keygen sign; do tierc $c --help | head -1; done
for c in eval explain diff report; do tiervm $c --help | head -1; done
tierc diff a.tier --help b.tier > /dev/null; echo "diff: exit $?"
