"""Use cases: each takes a session, checks the actor, changes rows and flushes (never commits)."""
