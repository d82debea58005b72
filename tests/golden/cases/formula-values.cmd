# A formula call's values (format 12): explain shows the calls a compared
# call is made of (people_points(5), deal_points(5 * 2): the parameters
# written as their arguments); tierc test checks any call a requirement
# makes by that name, however deep, exactly (a fraction as "70/3"); a wrong
# value fails, a name that is neither a metric nor such a call is an error;
# disasm lists each requirement's traced calls
tiervm explain tests/golden/data/formula-values.tier tests/golden/data/formula-values.jsonl
tierc test tests/golden/data/formula-values.tier tests/golden/data/formula-values.tests
tierc compile tests/golden/data/formula-values.tier -o /tmp/tierc-golden-formula-values.tbc && tierc disasm /tmp/tierc-golden-formula-values.tbc | grep explain; rm -f /tmp/tierc-golden-formula-values.tbc
