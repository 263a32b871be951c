"""``casa recode FILE --column C --to 2024``: rewrite the codes of a steward's
CSV file in the coding of another version (INSEE's "projection" of a code).

The file's other columns are kept as they are. In the output, column C holds
the code in the target coding when there is exactly one; two columns are
added: ``C_status`` (unchanged, recoded, merged, split, retired, unknown,
malformed) and ``C_successors`` (every code in the target coding, ``|``
between them). A split keeps the old code in C: it has several successors
and none is picked. Unknown and malformed codes are listed with their line.

Exit codes: 0 every code found; 1 some codes unknown or malformed (the file
is written all the same); 2 bad arguments (no such column or version);
3 file unreadable; 5 database unreachable.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from casa_pipelines.cli.common import guarded
from casa_pipelines.config import Settings
from casa_pipelines.errors import EXIT_INVALID, SourceError, UsageError
from casa_pipelines.referentials import store
from ckanext.casa.logic import referential_recode

console = Console(stderr=True)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]], str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise SourceError(f"Fichier illisible : {path} ({err}).", f"Unreadable file: {path} ({err}).") from err
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    return list(reader.fieldnames or []), list(reader), delimiter


def _day(conn: sa.Connection, label: str) -> str:
    found = conn.execute(
        sa.text(
            "SELECT valid_from FROM referentials.version WHERE referential = 'territorial_units' AND label = :l"
        ),
        {"l": label},
    ).scalar()
    if found is None:
        labels = conn.execute(
            sa.text(
                "SELECT label FROM referentials.version WHERE referential = 'territorial_units' ORDER BY valid_from"
            )
        ).scalars().all()
        raise UsageError(
            f"Version inconnue : {label!r}. Versions : {', '.join(labels) or 'aucune'}.",
            f"Unknown version: {label!r}. Versions: {', '.join(labels) or 'none'}.",
        )
    return found.isoformat()


@click.command("recode")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--column", "-c", required=True, help="Column holding the HCP codes.")
@click.option("--to", "label", required=True, help="Target version of the territorial référentiel (e.g. 2024).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write (default: FILE with .recoded-<version>.csv).")
@guarded
def recode_command(file: Path, column: str, label: str, output: Path | None) -> None:
    """Rewrite the codes of COLUMN in FILE in the coding of version --to."""
    fields, rows, delimiter = _read(file)
    if column not in fields:
        raise UsageError(
            f"Colonne {column!r} absente de {file.name}. Colonnes : {', '.join(fields)}.",
            f"No column {column!r} in {file.name}. Columns: {', '.join(fields)}.",
        )
    engine = store.engine_for(Settings.from_env())
    results = []
    with engine.connect() as conn:
        day = _day(conn, label)
        codes = [r[column] or "" for r in rows]
        step = referential_recode.MAX_CODES
        for start in range(0, len(codes), step):
            results += referential_recode.recode(conn, codes[start : start + step], day)["results"]
    out_fields = [*fields, f"{column}_status", f"{column}_successors"]
    target = output or file.with_name(f"{file.stem}.recoded-{label}.csv")
    counts: dict[str, int] = {}
    problems = []
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=out_fields, delimiter=delimiter, lineterminator="\n")
        writer.writeheader()
        for line, (row, result) in enumerate(zip(rows, results, strict=True), start=2):
            successors = [s["code"] for s in result["successors"]]
            status = result["status"]
            counts[status] = counts.get(status, 0) + 1
            if len(successors) == 1:
                row[column] = successors[0]
            if status in (referential_recode.UNKNOWN, referential_recode.MALFORMED):
                problems.append((line, result["code"], status))
            row[f"{column}_status"] = status
            row[f"{column}_successors"] = "|".join(successors)
            writer.writerow(row)
    table = Table(title=f"{file.name} -> {target.name} ({label}, {day})")
    table.add_column("statut")
    table.add_column("lignes", justify="right")
    for status, n in sorted(counts.items()):
        table.add_row(status, str(n))
    console.print(table)
    for line, code, status in problems[:50]:
        console.print(f"ligne {line} : {code!r} {status}")
    if len(problems) > 50:
        console.print(f"… et {len(problems) - 50} autres")
    if problems:
        sys.exit(EXIT_INVALID)
