"""The consultation over HTTP: windows, the comment register, its exports."""
