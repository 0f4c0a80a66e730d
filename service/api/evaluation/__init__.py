"""Evaluation over HTTP: survey rounds and responses, indicators and measurements."""
