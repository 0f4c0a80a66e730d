"""Public consultation: windows, the comment register, answers, moderation, campaigns, the report."""
