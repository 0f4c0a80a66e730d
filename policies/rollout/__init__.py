"""Adoption (penetapan) and roll-out: socialization, acknowledgements, mentoring."""
