"""Siklus domain: policies, their lifecycle, evidence and documents (no HTTP, no Prefect)."""
