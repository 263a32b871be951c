"""Search keys of the territorial units' names: what the loader stores for
each name and what a query is turned into, so that both sides meet.

Two keys per name, both indexed with pg_trgm in ``referentials.unit_name``:

- ``folded``: :func:`casa_pipelines.normalize.fold` (case, accents, Arabic
  hamza/alef forms, taa marbuta, alef maqsura, punctuation), plus the
  abbreviations people write in Morocco spelled out ("My" -> moulay, "Sd" ->
  sidi, "O." -> ouled) and the article of each word dropped.
- ``skeleton``: a consonant skeleton of the folded name, our own phonetic key
  for Moroccan place names in French or English transliteration and in
  Arabic (no library knows them: Soundex and Metaphone are built for English
  surnames and drop what tells these names apart). Latin: digraphs to one
  letter (ou/w/oo -> u, kh -> k, gh/rh -> g, ch/sh/sch -> x, dj/j/dz -> j,
  q/ck/c -> k, ph -> f, th/dh -> t/d, z -> s, y -> i), vowels dropped except a
  word's first letter (kept as "a"), doubled letters single (before the
  vowels go: "Tetouan" keeps t-t-n), words joined, so
  "Mohammedia", "Muhammadiya" and "Mohammadia" give one key, and "Ben M'sik"
  and "Benmsick" another. Arabic: ذ -> د, ظ -> ض, ث -> ت, گ/ݣ/ڭ -> ك,
  ڤ -> ف, پ -> ب, ہ/ۃ -> ه (and the Urdu and Pashto letters of the same sounds), the long vowels ا و ي and a final ه dropped
  inside a word, a leading alif dropped, emphatic letters as plain ones
  (ط ت, ق ك, ص س, ض د, ح ه), doubled letters single, words joined,
  so "ابن امسيك" and "ابن مسيك" meet.

Bump ``KEY_VERSION`` when a rule changes: the loader then recomputes the
stored keys (``casa_pipelines.referentials.store.refresh_names``).

This module imports nothing from CKAN so that the pipelines can use it.
"""

from __future__ import annotations

import re

from casa_pipelines.normalize import fold

KEY_VERSION = 2

# Abbreviations and spellings of the words that start Moroccan place names.
WORDS = {
    "my": "moulay", "mly": "moulay", "mulay": "moulay", "moulai": "moulay", "mulai": "moulay",
    "sd": "sidi", "sdi": "sidi", "sid": "sidi",
    "o": "ouled", "od": "ouled", "oulad": "ouled", "awlad": "ouled", "aulad": "ouled",
    "ulad": "ouled", "wlad": "ouled", "ouled": "ouled", "oled": "ouled",
    "beni": "bni", "bani": "bni", "banu": "bni", "bnou": "bni",
    "ayt": "ait", "aith": "ait", "ath": "ait",
    "ayn": "ain", "aine": "ain", "aioun": "ayoun",
    "jamaat": "jemaa", "jmaa": "jemaa", "jamaa": "jemaa", "jemaat": "jemaa", "djemaa": "jemaa",
    "st": "saint",
}
# Articles and French linking words, written as separate words ("El Jadida",
# "Ech-Chiadma", "Aïn-Harrouda", "Dar Ould Zidouh", "Tazarine des Zerarda").
ARTICLES = {
    "el", "al", "il", "l", "ech", "ach", "ed", "ad", "es", "as", "et", "at", "er", "ar",
    "ez", "az", "en", "an", "ej", "ag", "de", "des", "du", "d", "la", "le", "les",
    "ال",
}
# An article written against its word: "Eljadida", "Alhoceima" (el/al with at
# least 4 letters after it) and the sun letters' doubled consonant,
# "Essaouira", "Errachidia", "Ettaouia".
GLUED = re.compile(r"^(?:el|al)(?=[a-z]{4,})|^[ea](?=([bcdfghjklmnpqrstvwxz])\1)")
ARABIC_GLUED = re.compile(r"^(?:ال|وال)(?=\w{2,})")

LATIN_RULES = (
    (re.compile(r"sch|sh|ch|tch"), "x"),
    (re.compile(r"kh"), "k"),
    (re.compile(r"gh|rh"), "g"),
    (re.compile(r"dj|dz"), "j"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"dh"), "d"),
    (re.compile(r"ck|q|c"), "k"),
    (re.compile(r"ou|oo|w"), "u"),
    (re.compile(r"z"), "s"),
    (re.compile(r"y"), "i"),
)
VOWELS = re.compile(r"[aeiou]+")
ARABIC_LETTERS = str.maketrans(
    {
        "ذ": "د", "ظ": "ض", "ث": "ت", "گ": "ك", "ݣ": "ك", "ڭ": "ك", "ڤ": "ف",
        "پ": "ب", "ہ": "ه", "ۃ": "ه", "ﻻ": "لا",
        # Urdu, Pashto and Kurdish letters that GeoNames' names in Arabic
        # script use for the same sounds: ٹ ټ -> ت, ڈ -> د, ڑ ڕ -> ر,
        # ں -> ن, ھ -> ه, ې ۍ -> ي, ګ -> ك, ږ -> ز; the Kurdish vowel ە dropped.
        "ٹ": "ت", "ټ": "ت", "ڈ": "د", "ڑ": "ر", "ڕ": "ر", "ں": "ن", "ھ": "ه", "ە": None,
        "ې": "ي", "ۍ": "ي", "ګ": "ك", "ږ": "ز",
    }
)
# In the skeleton only: the emphatic letters as the plain ones that
# transcriptions from other scripts use (طنجة, تنجه).
ARABIC_PLAIN = str.maketrans({"ط": "ت", "ق": "ك", "ص": "س", "ض": "د", "ح": "ه"})
ARABIC_VOWELS = re.compile(r"(?<!^)[اوي]|ه$")


def _is_arabic(word: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in word)


def _words(name: str) -> list[str]:
    out = []
    for word in fold(name).split():
        if _is_arabic(word):
            word = ARABIC_GLUED.sub("", word.translate(ARABIC_LETTERS))
            if word and word not in ARTICLES:
                out.append(word)
            continue
        word = WORDS.get(word, word)
        if word in ARTICLES:
            continue
        out.append(GLUED.sub("", word) or word)
    return out


def folded_key(name: str) -> str:
    """The folded name, abbreviations spelled out and articles dropped."""
    return " ".join(_words(name))


def _latin_skeleton(word: str) -> str:
    # Doubled letters are one sound ("Mohammadia", "Mohamadia"); letters that
    # meet once the vowels are gone are two ("Tetouan": t-t-n).
    word = _single(word)
    for pattern, replacement in LATIN_RULES:
        word = pattern.sub(replacement, word)
    word = _single(word)
    if word[:1] in "aeiou":
        return "a" + VOWELS.sub("", word[1:])
    return word[:1] + VOWELS.sub("", word[1:])


def _arabic_skeleton(word: str) -> str:
    word = _single((word.lstrip("ا") or word).translate(ARABIC_PLAIN))
    return ARABIC_VOWELS.sub("", word)


def _single(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


def skeleton(name: str) -> str:
    """The consonant skeleton of a name (see the module's docstring)."""
    return "".join(
        _arabic_skeleton(w) if _is_arabic(w) else _latin_skeleton(w) for w in _words(name)
    )


def keys(name: str) -> tuple[str, str]:
    """(folded key, skeleton) of a name."""
    return folded_key(name), skeleton(name)
