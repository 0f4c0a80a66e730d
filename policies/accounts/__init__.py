"""Accounts, sign-in, roles and who may do what."""
