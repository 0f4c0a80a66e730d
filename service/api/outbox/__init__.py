"""Reminders over HTTP: the signed-in account's inbox and the operator's outbox."""
