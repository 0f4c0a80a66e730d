"""HTTP: the JSON API under /api/v1 and the Jinja2 web pages."""
