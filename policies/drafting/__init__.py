"""Draft versions, their clauses, the diff between versions and the revision of an adopted text."""
