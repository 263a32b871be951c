"""``casa validate`` and ``casa ingest``: a file checked against its
dataset's definition, then staged and recorded as a release."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from casa_pipelines import config
from casa_pipelines.cli.common import guarded, progress_bar, spec_of


@click.command("validate")
@click.argument("dataset")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--encoding", help="Encoding of the file (e.g. cp1256) when it cannot be detected.")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the report here instead of stdout.")
@click.option("--no-referentials", is_flag=True, help="Skip the référentiel check (recorded in the report).")
@guarded
def validate_command(dataset: str, file: Path, fmt: str, lang: str, encoding: str | None, output: Path | None,
                     no_referentials: bool) -> None:
    """Validate FILE against DATASET's schema, suite and référentiels.

    Exits 0 if the file is valid, 1 if not (the report says what and where).
    """
    from casa_pipelines.extract import extract
    from casa_pipelines.validate import validate
    from casa_pipelines.validate.referential_check import PostgresReferential

    spec = spec_of(dataset)
    console = Console(stderr=True)
    with console.status("Lecture du fichier…" if lang == "fr" else "Reading the file…"):
        table = extract(file, spec.source, encoding=encoding)
    lookup = None
    if spec.referentials and not no_referentials:
        lookup = PostgresReferential(config.Settings.from_env().datastore_url)
    with console.status("Validation…"):
        report = validate(table, spec, referential=lookup)
    if spec.referentials and no_referentials:
        report.checks.append("referential:skipped")
    rendered = {"text": lambda: report.to_text(lang, color=output is None and sys.stdout.isatty()),
                "json": lambda: report.to_json(lang), "html": lambda: report.to_html(lang)}[fmt]()
    if output:
        output.write_text(rendered, encoding="utf-8")
    else:
        click.echo(rendered, nl=not rendered.endswith("\n"))
    sys.exit(0 if report.valid else 1)


@click.command("ingest")
@click.argument("dataset")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--encoding", help="Encoding of the file (e.g. cp1256) when it cannot be detected.")
@click.option("--no-referentials", is_flag=True, help="Skip the référentiel check (recorded in the report).")
@guarded
def ingest_command(dataset: str, file: Path, lang: str, encoding: str | None, no_referentials: bool) -> None:
    """Validate FILE, stage it and record a new release of DATASET.

    Nothing is recorded when the file is not valid (exit 1, with the report),
    and the same content loaded again creates no new release.
    """
    from casa_pipelines.errors import ValidationFailed
    from casa_pipelines.releases.ingest import ingest
    from casa_pipelines.validate.referential_check import PostgresReferential

    spec = spec_of(dataset)
    settings = config.Settings.from_env()
    url = settings.datastore_url
    lookup = PostgresReferential(url) if spec.referentials and not no_referentials else None
    from casa_pipelines.releases.ingest import STEPS

    try:
        with progress_bar(STEPS, lang) as progress:
            result = ingest(spec, file, url, encoding=encoding, referential=lookup,
                            archive_dir=settings.releases_dir, progress=progress)
    except ValidationFailed as exc:
        click.echo(exc.report.to_text(lang, color=sys.stdout.isatty()), nl=False)
        raise
    r = result.release
    if not result.created:
        click.echo(f"Same content as release {r.number} ({r.status}): no new release." if lang == "en"
                   else f"Contenu identique à la version {r.number} ({r.status}) : aucune nouvelle version.")
        sys.exit(0 if result.valid else 1)
    if result.valid:
        click.echo(f"Release {r.number} of {r.dataset} recorded: {r.rows} rows, sha256 {r.sha256[:12]}…; "
                   f"publish it with `casa publish {r.dataset}`." if lang == "en" else
                   f"Version {r.number} de {r.dataset} enregistrée : {r.rows} lignes, sha256 {r.sha256[:12]}… ; "
                   f"publiez-la avec `casa publish {r.dataset}`.")
        return
    from casa_pipelines.publish.gate import failed_rules

    click.echo(result.report.to_text(lang, color=sys.stdout.isatty()), nl=False)
    rules = failed_rules(result.report.to_dict(lang))
    flags = " ".join(f"--waive {rule}" for rule in rules)
    click.echo(f"Release {r.number} recorded as NOT VALID: it cannot be published unless each failed rule is "
               f"waived: casa publish {r.dataset} --release {r.number} {flags} --reason \"…\"" if lang == "en" else
               f"Version {r.number} enregistrée comme NON VALIDE : elle ne peut être publiée qu'avec une dérogation "
               f"par règle en échec : casa publish {r.dataset} --release {r.number} {flags} --reason \"…\"")
    sys.exit(1)
