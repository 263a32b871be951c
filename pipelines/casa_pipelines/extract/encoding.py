"""Decide how to turn the bytes of a text file into text, or refuse.

Stewards receive files from many offices: UTF-8, Windows Arabic (cp1256),
Windows/ISO Western (cp1252, latin-1). A wrong guess produces mojibake that
then passes validation as "valid text", so when the evidence is not clear the
steward is asked to declare the encoding instead.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from casa_pipelines.errors import SourceError

BINARY_MAGIC = {
    b"PK\x03\x04": ("une archive zip (ou un classeur XLSX) renommée", "a renamed zip archive (or XLSX workbook)"),
    b"%PDF": ("un document PDF", "a PDF document"),
    b"\x89PNG": ("une image PNG", "a PNG image"),
    b"\xff\xd8\xff": ("une image JPEG", "a JPEG image"),
    b"\xd0\xcf\x11\xe0": ("un classeur Excel 97 (XLS)", "an Excel 97 (XLS) workbook"),
    b"\x1f\x8b": ("une archive gzip", "a gzip archive"),
}
_FRENCH_LETTERS = set("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ")
_WORD = re.compile(r"[^\s,;|\t\"'()\[\]{}.:/\\0-9_-]+")
# Typographic signs a French or Arabic writer uses; neutral inside a word.
_NEUTRAL = set("–—…’‘“”«»°€·")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def check_binary(data: bytes, name: str) -> None:
    """Refuse files that are not text at all, naming what they look like."""
    for magic, (fr, en) in BINARY_MAGIC.items():
        if data.startswith(magic):
            raise SourceError(f"{name} n'est pas un fichier texte : c'est {fr}.", f"{name} is not a text file: it is {en}.")
    nul = data.find(b"\x00")
    if nul >= 0 and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(
            f"{name} : octet NUL ligne {_line_of(data, nul)} (position {nul}) ; le fichier est binaire, "
            "tronqué, ou en UTF-16 sans marque : ré-exportez-le en CSV UTF-8.",
            f"{name}: NUL byte on line {_line_of(data, nul)} (offset {nul}); the file is binary, corrupted "
            "or UTF-16 without a byte order mark: export it again as UTF-8 CSV.",
        )


def decode(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding). Declared encodings are applied strictly."""
    if declared:
        if codecs.lookup(declared).name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            data = data[3:]  # a BOM is no content: never let it into the first label
        try:
            return data.decode(declared), codecs.lookup(declared).name
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"{name} : l'encodage déclaré « {declared} » ne correspond pas au fichier "
                f"(octet 0x{data[exc.start]:02x} ligne {_line_of(data, exc.start)}).",
                f"{name}: the declared encoding '{declared}' does not match the file "
                f"(byte 0x{data[exc.start]:02x} on line {_line_of(data, exc.start)}).",
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _strict(data[2:], enc, name), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    _refuse_mixed(data, name)
    return _guess_single_byte(data, name)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{name} : le fichier commence par une marque {encoding} mais contient un octet invalide "
            f"ligne {_line_of(data, exc.start)} : encodages mélangés.",
            f"{name}: the file starts with a {encoding} byte order mark but has an invalid byte "
            f"on line {_line_of(data, exc.start)}: mixed encodings.",
        ) from None


def _refuse_mixed(data: bytes, name: str) -> None:
    """A file whose lines are partly valid non-ASCII UTF-8 and partly not was
    assembled from several sources; no single decoding is right."""
    utf8_line = other_line = None
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_line = utf8_line or number
        except UnicodeDecodeError:
            other_line = other_line or number
        if utf8_line and other_line:
            raise SourceError(
                f"{name} : encodages mélangés, la ligne {utf8_line} est en UTF-8 et la ligne {other_line} "
                "dans un autre encodage ; ré-enregistrez tout le fichier en UTF-8.",
                f"{name}: mixed encodings, line {utf8_line} is UTF-8 and line {other_line} uses another "
                "encoding; save the whole file as UTF-8.",
            )


def _implausible_words(text: str) -> tuple[int, int]:
    """Count non-ASCII words, and those no French or Arabic writer produces
    (Latin and Arabic letters mixed, symbols inside words, control chars)."""
    total = bad = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        total += 1
        arabic = latin = other = 0
        for ch in word:
            if ch in _NEUTRAL:
                continue
            if "\u0600" <= ch <= "\u06ff" or ch in "\u200c\u200d\u200e\u200f":
                arabic += 1
            elif ch.isascii() and ch.isalpha() or ch in _FRENCH_LETTERS:
                latin += 1
            else:
                other += 1
        if other or (arabic and latin) or (latin and unicodedata.category(word[0]) == "Lu" and
                                           any(c in _FRENCH_LETTERS and c.isupper() for c in word[1:]) and
                                           not word.isupper()):
            bad += 1
    return total, bad


def _guess_single_byte(data: bytes, name: str) -> tuple[str, str]:
    candidates: dict[str, str] = {}
    for enc in ("cp1256", "cp1252", "latin-1"):
        try:
            candidates[enc] = data.decode(enc)
        except UnicodeDecodeError:
            continue
    if "cp1252" in candidates:
        candidates.pop("latin-1")  # cp1252 is latin-1 plus printable 0x80-0x9f
    scores = {enc: _implausible_words(text) for enc, text in candidates.items()}
    plausible = [enc for enc, (total, bad) in scores.items() if total and bad == 0]
    texts = {candidates[enc] for enc in plausible}
    if len(plausible) == 1 or (plausible and len(texts) == 1):
        # Several encodings giving the same text is no ambiguity at all.
        return candidates[plausible[0]], plausible[0]
    found = ", ".join(f"{enc} ({bad}/{total} mots douteux)" for enc, (total, bad) in scores.items())
    raise SourceError(
        f"{name} : l'encodage du fichier ne peut pas être établi avec certitude (essayé : {found}). "
        "Déclarez-le dans datasets/<jeu>.yaml (source.encoding) ou avec --encoding, "
        "par exemple cp1256 pour l'arabe Windows, cp1252 ou latin-1 pour le français.",
        f"{name}: the file's encoding cannot be established with confidence (tried: {found}). "
        "Declare it in datasets/<dataset>.yaml (source.encoding) or with --encoding, "
        "e.g. cp1256 for Windows Arabic, cp1252 or latin-1 for French.",
    )
