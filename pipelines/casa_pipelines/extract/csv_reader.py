"""CSV text -> Table, with the delimiter declared or detected, every cell
kept as the exact text read (no missing-value guessing, no type inference)."""

from __future__ import annotations

import csv
import io

from casa_pipelines.errors import SourceError
from casa_pipelines.extract.csv_fast import read_regular
from casa_pipelines.extract.files import read_bounded
from casa_pipelines.extract.table import Table, check_width

DELIMITERS = ",;\t|"
MAX_LINE_CHARS = 1 << 20  # longer lines are a missing newline or a corrupt export
_NAMES = {",": "virgule", ";": "point-virgule", "\t": "tabulation", "|": "barre verticale"}


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first lines into the same number of
    cells (> 1); refuse when no candidate does, rather than guess."""
    lines = [line for line in text[: 1 << 16].splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    best: tuple[int, int, str] | None = None
    for delim in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delim)]
        if counts[0] < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        key = (consistent, counts[0], delim)
        if best is None or key[:2] > best[:2]:
            best = key
    # No candidate splits the header: a one-column file, or an unknown
    # delimiter that _check_delimiter reports.
    return best[2] if best else ","


def read_csv(text: str, name: str, *, encoding: str, delimiter: str | None, raw: bytes | None = None) -> Table:
    """``raw``: the file's bytes when they are already UTF-8 without BOM (saves re-encoding)."""
    if not text.strip():
        raise SourceError(f"{name} est vide : aucun en-tête ni ligne de données.",
                          f"{name} is empty: no header and no data rows.")
    # One split is linear; a regex for "a long run without newline" backtracks on every line.
    if max(map(len, text.split("\n"))) > MAX_LINE_CHARS:
        lengths = [len(part) for part in text.split("\n")]
        line = next(i for i, n in enumerate(lengths, start=1) if n > MAX_LINE_CHARS)
        raise SourceError(
            f"{name} : la ligne {line} dépasse {MAX_LINE_CHARS:,} caractères ; fin de ligne manquante "
            "ou export corrompu.".replace(",", " "),
            f"{name}: line {line} is longer than {MAX_LINE_CHARS:,} characters; a missing line break "
            "or a corrupt export.",
        )
    delim = delimiter or sniff_delimiter(text)
    fast = read_regular(text.encode("utf-8") if raw is None else raw, delim)
    if fast is not None:
        header, columns = fast
        _check_delimiter(header, delim, name, declared=delimiter is not None)
        return Table(name=name, header=header, format="csv", encoding=encoding, delimiter=delim, arrow_=columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    rows: list[list[str]] = []
    try:
        header = next(reader)
        rows = list(reader)
    except csv.Error as exc:
        raise SourceError(
            f"{name} : CSV mal formé vers la ligne {reader.line_num} ({exc}) ; vérifiez les guillemets : "
            "une cellule ouverte par \" doit être refermée.",
            f"{name}: malformed CSV near line {reader.line_num} ({exc}); check the quotes: a cell "
            "opened with \" must be closed.",
        ) from None
    _check_delimiter(header, delim, name, declared=delimiter is not None)
    return Table(name=name, header=header, rows_=rows, row_numbers_=list(range(2, len(rows) + 2)),
                 format="csv", encoding=encoding, delimiter=delim)


def _check_delimiter(header: list[str], delim: str, name: str, *, declared: bool) -> None:
    if len(header) != 1:
        return
    for other in DELIMITERS:
        if other != delim and other in header[0]:
            how = "déclaré" if declared else "détecté"
            raise SourceError(
                f"{name} : l'en-tête n'a qu'une colonne avec le séparateur {how} « {delim} » "
                f"({_NAMES[delim]}) mais contient des « {other} » ({_NAMES[other]}) : "
                f"déclarez source.delimiter: \"{other}\" ou ré-exportez le fichier.",
                f"{name}: the header has a single column with the {'declared' if declared else 'detected'} "
                f"delimiter '{delim}' but contains '{other}': declare source.delimiter: \"{other}\" "
                "or export the file again.",
            )


def read_in_memory(table: Table) -> Table:
    """The cells of a table that was to be read in place (``table.file``),
    read into memory by the reader above."""
    assert table.file is not None
    data = read_bounded(table.file.path, table.name)
    return check_width(read_csv(data.decode("utf-8"), table.name, encoding=table.encoding or "utf-8",
                                delimiter=table.file.delimiter, raw=data))
