sed "s/starts in April/starts in January/" tests/golden/data/fiscal.tier > /tmp/tierc-golden-fiscal2.tier && tierc diff tests/golden/data/fiscal.tier /tmp/tierc-golden-fiscal2.tier
