"""The consultation on the pages: a clause's thread, triage of the register, moderation."""
