tiervm eval
