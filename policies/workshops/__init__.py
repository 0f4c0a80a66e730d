"""Workshops (lokakarya) with civil servants: schedule, attendance, minutes, outcomes."""
