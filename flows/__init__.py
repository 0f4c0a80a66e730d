"""Prefect flows: the stage work and the scheduled sweeps."""
