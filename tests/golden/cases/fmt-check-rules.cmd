tierc fmt --check rules/*.tier
