tierc fmt --check rules/*.tier examples/*.tier
