"""Message catalogues of the pages: compiled from the .po files with Babel when the app starts."""

from __future__ import annotations

import os
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

from policies.core.i18n import LOCALES

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
LANG_COOKIE = "siklus_lang"


def compile_catalog(locale: str, *, directory: Path = LOCALE_DIR) -> Path:
    """Compile a locale's messages.po into messages.mo when the .mo is missing or older; return it."""
    folder = directory / locale / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale, domain=DOMAIN)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        # Written beside the .po like `pybabel compile`; a read-only install still works from memory.
        try:
            # Per process: several workers (or test passes) may compile at the same moment.
            tmp = mo.with_suffix(f".mo.{os.getpid()}.tmp")
            tmp.write_bytes(buffer.getvalue())
            tmp.replace(mo)
        except OSError:
            return po
    return mo


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> Translations:
    """Return the compiled translations of a locale."""
    path = compile_catalog(locale)
    if path.suffix == ".po":
        with path.open("rb") as handle:
            buffer = BytesIO()
            write_mo(buffer, read_po(handle, locale=locale, domain=DOMAIN))
        buffer.seek(0)
        return Translations(fp=buffer, domain=DOMAIN)
    with path.open("rb") as handle:
        return Translations(fp=handle, domain=DOMAIN)


def request_locale(request: Request, *, default: str = "id") -> str:
    """Return the language the visitor chose (cookie), else the default."""
    chosen = request.cookies.get(LANG_COOKIE, "")
    return chosen if chosen in LOCALES else default
