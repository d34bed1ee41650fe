"""Qt adapters: QObjects that run the drivers off the GUI thread and report through `sig_` signals.
The only package under drivers/ allowed to use Qt, which it takes from the `gui` package."""
