"""Following a policy, how each person wants to hear about it, and the digests that group what happened."""
