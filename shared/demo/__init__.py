"""Demo data: the Dongguan quality-supervision catalogue and a demo hall."""
