"""Follow-up plans (*rencana tindak lanjut*) for a closed round's weak unsur and missed indicators."""
