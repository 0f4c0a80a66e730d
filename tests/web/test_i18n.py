"""The pages' message catalogues: compiled by Babel, complete in both languages, in step with the code."""

from __future__ import annotations

import re

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from service.web.i18n import LOCALE_DIR, compile_catalog

ROOT = LOCALE_DIR.parent.parent


def _catalog(locale: str) -> dict[object, object]:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale=locale) if m.id}


def test_catalogues_compile_with_babel() -> None:
    for locale in ("id", "en"):
        assert compile_catalog(locale).suffix == ".mo"
    assert (LOCALE_DIR / "id" / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000


def test_both_catalogues_translate_every_message_the_code_uses() -> None:
    with (LOCALE_DIR / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    used = {
        (message if isinstance(message, str) else tuple(message))
        for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map)
    }
    assert len(used) > 200
    for locale in ("id", "en"):
        catalog = _catalog(locale)
        assert sorted(map(str, used - set(catalog))) == [], f"{locale}: untranslated"
        assert sorted(map(str, set(catalog) - used)) == [], f"{locale}: no longer used"
        empty = [k for k, v in catalog.items() if not v or (isinstance(v, tuple) and not all(v))]
        assert empty == [], f"{locale}: empty translations"


def test_placeholders_survive_translation() -> None:
    holder = re.compile(r"%\((\w+)\)[sd]")
    for msgid, text in _catalog("id").items():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        texts = text if isinstance(text, tuple) else (text,)
        assert all(set(holder.findall(t)) == set(holder.findall(ids[-1])) for t in texts), msgid


def test_each_message_is_written_once_per_catalogue() -> None:
    """Catalogues merge as unions (.gitattributes): one message added by two branches stays once."""
    for locale in ("id", "en"):
        path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
        text = path.read_text(encoding="utf-8")
        written = len(re.findall(r"^msgid ", text, flags=re.MULTILINE)) - 1  # the header's msgid ""
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        # Babel keeps the last of two entries with one msgid: a duplicate shows as a missing message.
        assert written == len(catalog), f"{path}: {written} msgid lines, {len(catalog)} messages"
