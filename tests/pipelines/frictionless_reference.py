"""frictionless-py, the reference implementation, run on the same file with
the encoding and delimiter extraction settled on. Used by the tests and the
benchmark to prove the vectorised engine reports the same triples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

Triple = tuple[int | None, int | None, str]


def frictionless_triples(path: Path, schema: dict[str, Any], *, encoding: str, delimiter: str) -> list[Triple]:
    from frictionless import Dialect, Resource, Schema, formats

    # header_rows pinned: otherwise frictionless guesses the header row from the
    # widest rows of a sample, and a file with long ragged rows gets a data row as header.
    dialect = Dialect(header_rows=[1], controls=[formats.CsvControl(delimiter=delimiter)])
    path = Path(path).resolve()
    # frictionless refuses absolute paths unless they sit under `basepath`.
    resource = Resource(path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema), encoding=encoding,
                        dialect=dialect, format="csv")
    report = resource.validate(limit_errors=10**9)
    return sorted(
        (tuple(t) for t in report.flatten(["rowNumber", "fieldNumber", "type"])),  # type: ignore[misc]
        key=_key,
    )


def _key(t: Triple) -> tuple[int, int, str]:
    return (t[0] or 0, t[1] or 0, t[2])


def sort_triples(triples: list[Triple]) -> list[Triple]:
    return sorted(triples, key=_key)
