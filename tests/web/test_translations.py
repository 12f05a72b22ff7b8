"""Every visible string has its Chinese, and the compiled catalogues match their sources
(a stale .mo would show English to Chinese readers)."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def catalogue(language):
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def test_every_string_has_its_chinese():
    missing = [
        f"{entry.msgid!r} ({entry.occurrences[0][0] if entry.occurrences else '?'})"
        for entry in catalogue("zh_Hans")
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    assert not missing, "untranslated (make messages, fill msgstr):\n" + "\n".join(missing)


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_the_compiled_catalogue_matches_its_source(language):
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0, "")
        for entry in catalogue(language)
        if entry.translated() and "fuzzy" not in entry.flags
    }
    compiled = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    built = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0, "")
        for entry in compiled
        if entry.msgid
    }
    assert built == source, "run make compilemessages"
