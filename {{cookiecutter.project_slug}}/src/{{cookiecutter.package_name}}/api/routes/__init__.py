"""One module per group of endpoints; each exposes a `router`."""
