# a const whose new value makes a requirement mean what another of its block means: one change, not a threshold change too
tierc diff tests/golden/data/const-collide.tier tests/golden/data/const-collide-v2.tier
