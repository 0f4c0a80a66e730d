"""Akoma Ntoso 3.0: a version's structure as AKN XML with the same eIds, and JDIHN metadata."""
