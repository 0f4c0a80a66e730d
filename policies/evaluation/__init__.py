"""Periodic evaluation: survey rounds, IKM, indicators, reports and revision recommendations."""
