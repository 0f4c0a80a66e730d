"""The key that signs CSRF tokens; it lives in the domain so flows derive survey links with it too."""

from __future__ import annotations

from policies.core.secret_key import SECRET_FILE, ensure_secret_key

__all__ = ["SECRET_FILE", "ensure_secret_key"]
