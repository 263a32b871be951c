"""``casa source``: produce a dataset's file from the data its definition
declares (``source.package``), to hand to ``casa validate`` / ``casa ingest``.

Exit codes: 0 written; 3 package data unreadable or ambiguous; 4 wrong
dataset definition (the message names the key).
"""

from __future__ import annotations

from pathlib import Path

import click

from casa_pipelines.cli.common import guarded, spec_of


@click.group("source")
def source() -> None:
    """Sources declared by the dataset definitions (package data)."""


@source.command("export")
@click.argument("dataset")
@click.option("--output", "-o", type=click.Path(path_type=Path), required=True,
              help="Where to write the CSV file (UTF-8, comma).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@guarded
def export_command(dataset: str, output: Path, lang: str) -> None:
    """Write DATASET's file from the package data its `source.package` declares.

    Every row left out and every recoded code is counted on stderr.
    """
    from casa_pipelines.sources.package import export, write

    spec = spec_of(dataset)
    result = export(spec)
    write(result, output)
    for line in result.summary(lang):
        click.echo(line, err=True)
    click.echo(f"{output}: {len(result.rows)} rows" if lang == "en" else f"{output} : {len(result.rows)} lignes")
