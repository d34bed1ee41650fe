"""好差评整改: the rectification record every 差评 opens, its deadlines and cards, its statistics."""
