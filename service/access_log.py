"""Keep secrets that arrive in a URL (a survey link's token) out of uvicorn's access log.

The survey page trades the emailed link's token for a session cookie and redirects to a token-free
address, but the first request still carries it: its log line is written with the value redacted.
"""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
REDACTED = "[redacted]"
# Query parameters whose value is a credential (the survey link's `token`).
SECRET_QUERY = re.compile(r"([?&](?:token)=)[^&#\s]*", re.IGNORECASE)


def redact(text: str) -> str:
    """Return a request target with every secret query value replaced."""
    return SECRET_QUERY.sub(r"\g<1>" + REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrite an access log record's arguments so no secret query value is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; never drop it."""
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install() -> None:
    """Attach the redaction to uvicorn's access logger, once per process."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
