"""The app secret: from settings, or generated once into the data dir and reused by every process."""

from __future__ import annotations

import os
import secrets

from policies.core.settings import Settings

SECRET_FILE = "secret_key"


def ensure_secret_key(settings: Settings) -> str:
    """Return settings.secret_key, or the key stored in data_dir (created on first use)."""
    configured = settings.secret_key.get_secret_value()
    if configured:
        return configured
    path = settings.data_dir / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{SECRET_FILE}.{secrets.token_hex(8)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            # link() is atomic and refuses an existing name: of several workers starting together
            # exactly one key wins, and nobody ever reads a half-written file.
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
