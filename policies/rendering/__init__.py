"""Documents rendered from the register (the consultation report)."""
