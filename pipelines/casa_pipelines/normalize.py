"""Text normalisation shared by search, référentiel lookups and pipelines.

French and Arabic names are written many ways: with or without accents,
hyphens and apostrophes; Arabic with several forms of alef and hamza, with or
without taa marbuta, tatweel and diacritics. Search must treat them as one.
PostgreSQL's ``unaccent`` knows nothing of Arabic, so the rules live here, in
one place, and are applied to documents when they are indexed and to queries
when they are run: both sides meet in the same normal form.

The pipelines own it and the CKAN extension imports it (search, référentiel
lookups): one rule for both sides.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD does not decompose but that readers treat as equal, and
# letters dropped: the one table of the folding rule (``search_text`` applies
# it to whole columns with Arrow).
REPLACEMENTS: tuple[tuple[str, str], ...] = (
    ("\u0671", "\u0627"),  # alef wasla -> alef
    ("\u0629", "\u0647"),  # taa marbuta -> haa
    ("\u0649", "\u064a"),  # alef maqsura -> yaa
    ("\u06cc", "\u064a"),  # farsi yeh -> yaa
    ("\u06a9", "\u0643"),  # keheh -> kaf
    ("\u0640", ""),  # tatweel
    ("\u0621", ""),  # lone hamza: often dropped in spellings
    ("\u0153", "oe"), ("\u0152", "oe"), ("\u00e6", "ae"), ("\u00c6", "ae"),
    ("\u2019", " "),  # typographic apostrophe
    ("\u02bc", " "),  # modifier-letter apostrophe: a separator, though Unicode calls it a letter
)
_TRANSLATE = str.maketrans({old: new or None for old, new in REPLACEMENTS})

# Anything that is not a letter or a digit separates words; hyphens and
# apostrophes included ("Aïn-Chock", "Dar Bouazza", "l'Oasis").
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Return ``text`` case-folded, without accents, diacritics or Arabic
    letter variants, with punctuation turned into single spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    # Combining marks: Latin accents, Arabic harakat, and the hamza above or
    # below that NFKD splits off alef, waw and yaa.
    # Format characters (soft hyphen, zero-width joiners, the right-to-left
    # marks that Arabic text copied from the web carries) are invisible:
    # they must not split a word.
    stripped = "".join(
        c
        for c in decomposed
        if not unicodedata.combining(c) and unicodedata.category(c) != "Cf"
    )
    stripped = stripped.translate(_TRANSLATE).casefold()
    return _SEPARATORS.sub(" ", stripped).strip()


def tokens(text: str) -> list[str]:
    """Return the folded words of ``text``."""
    folded = fold(text)
    return folded.split() if folded else []
