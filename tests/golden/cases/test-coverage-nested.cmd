# --coverage counts a computed threshold inside or, inside not, in an either branch and in at least N of, from the trace
tierc test tests/golden/data/trust/coverage-nested.tier tests/golden/data/trust/coverage-nested.tests --coverage
