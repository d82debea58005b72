tiervm frobnicate
