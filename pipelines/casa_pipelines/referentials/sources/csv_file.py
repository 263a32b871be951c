"""A CSV file that already follows a référentiel's Table Schema.

Cells are read as text and cast by the validator, never guessed: an empty cell
is missing, anything else (``n/a`` included) is kept as written."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from casa_pipelines.referentials.errors import SourceError
from casa_pipelines.referentials.extract import Extract


def read_csv(path: Path, fields: list[str]) -> Extract:
    if not path.is_file():
        raise SourceError(f"Fichier source introuvable : {path}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            missing = [name for name in fields if name not in header]
            if missing:
                raise SourceError(
                    f"{path.name} : colonnes absentes {missing} ; attendues : {fields}."
                )
            rows: list[dict[str, Any]] = [
                {name: (row.get(name) or None) for name in fields} for row in reader
            ]
    except UnicodeDecodeError as err:
        raise SourceError(f"{path.name} n'est pas en UTF-8 ({err.reason}).") from err
    except csv.Error as err:
        raise SourceError(f"{path.name} : CSV illisible ({err}).") from err
    return Extract(rows=rows, source=str(path))
