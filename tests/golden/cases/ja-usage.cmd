# Japanese (LANGUAGE=ja): the help and the usage errors of both tools
LANGUAGE=ja tierc --help
LANGUAGE=ja tierc frobnicate
LANGUAGE=ja tierc compile
LANGUAGE=ja tiervm --help
LANGUAGE=ja tiervm explain
LANGUAGE=ja tierc check tests/golden/data
