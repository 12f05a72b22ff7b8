"""Contract numbers compared as one key, whatever way they were typed.

`HT-001`, `ht-001 ` and full-width `ＨＴ－００１` are one contract (brief: Unicode NFKC,
invisible characters removed, outer spaces stripped, case folded). The number as typed is
kept for display; the key is what uniqueness and the one-subsidy-per-contract rule use.
"""

import unicodedata

# Format characters (Cf: zero-width space and joiners, BOM, bidi marks) and other
# invisibles that NFKC keeps; a copy-paste from a PDF or a spreadsheet often carries them.
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Zl", "Zp"}


def number_key(number: str) -> str:
    """The normalised key of a contract number ("" if nothing visible is left)."""
    text = unicodedata.normalize("NFKC", number or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)
    return text.strip().casefold()
