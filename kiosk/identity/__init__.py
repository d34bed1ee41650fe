"""Provincial identity codes (粤省事码 for persons, 粤商码 for businesses) at the dispenser: recognising them
(codes), decoding them through the provincial gateway (decoder; signing) and a gateway simulator (sim)."""
