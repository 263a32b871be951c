"""The steward's commands that read releases: ``casa releases``, ``diff``
and ``status``."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.text import Text

from casa_pipelines import config
from casa_pipelines.cli.common import guarded, spec_of

STATUS_LABELS = {
    "fr": {"failed": "non valide", "validated": "validée", "scheduled": "sous embargo", "published": "publiée",
           "withdrawn": "retirée"},
    "en": {"failed": "not valid", "validated": "validated", "scheduled": "embargoed", "published": "published",
           "withdrawn": "withdrawn"},
}


def connect() -> Any:
    import psycopg

    from casa_pipelines.errors import PublishError
    from casa_pipelines.releases.record import ensure_tables

    try:
        conn = psycopg.connect(config.Settings.from_env().datastore_url)
    except psycopg.OperationalError as exc:
        raise PublishError(f"Base datastore injoignable : {exc}", f"Datastore database unreachable: {exc}") from None
    ensure_tables(conn)
    return conn


@click.command("releases")
@click.argument("dataset")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@guarded
def releases_command(dataset: str, lang: str) -> None:
    """List the releases of DATASET, with their status, embargo and waivers."""
    from rich.table import Table as RichTable

    from casa_pipelines.releases.record import list_releases, waivers

    spec = spec_of(dataset)
    with connect() as conn:
        releases = list_releases(conn, spec.slug)
        waived = {r.number: waivers(conn, spec.slug, r.number) for r in releases}
    if not releases:
        click.echo("No release yet." if lang == "en" else "Aucune version pour l'instant.")
        return
    grid = RichTable()
    for title in (("n°", "chargée le", "lignes", "sha256", "statut", "publiée le", "source", "dérogations")
                  if lang == "fr" else
                  ("no.", "loaded", "rows", "sha256", "status", "published", "source", "waivers")):
        grid.add_column(title)
    for r in releases:
        status = STATUS_LABELS[lang][r.status]
        if r.status == "scheduled" and r.embargo_until:
            status += f" ({r.embargo_until.isoformat()})"
        grid.add_row(str(r.number), r.created_at.strftime("%Y-%m-%d %H:%M"), str(r.rows), r.sha256[:12], status,
                     r.published_at.strftime("%Y-%m-%d %H:%M") if r.published_at else "",
                     # A file name or a waiver's reason is data: shown as typed, never read as rich markup.
                     Text(r.source), Text(", ".join(waived[r.number])))
    Console(width=160).print(grid)


@click.command("diff")
@click.argument("dataset")
@click.argument("old", type=int)
@click.argument("new", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@guarded
def diff_command(dataset: str, old: int, new: int, fmt: str, lang: str) -> None:
    """What changed between releases OLD and NEW of DATASET, by primary key."""
    import json

    from casa_pipelines.publish.public_table import primary_key
    from casa_pipelines.releases.diff import diff_releases, render

    spec = spec_of(dataset)
    with connect() as conn:
        result = diff_releases(conn, spec.slug, old, new, primary_key(spec), config.Settings.from_env().releases_dir)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if fmt == "json" else render(result, lang),
               nl=fmt == "json")


@click.command("status")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@guarded
def status_command(fmt: str, lang: str) -> None:
    """Every declared dataset: its published release, the latest one, what is
    scheduled, and publications left incomplete."""
    import json

    from rich.table import Table as RichTable

    from casa_pipelines.releases.status import collect

    with connect() as conn:
        rows = collect(conn, config.datasets_dir(), config.Settings.from_env().releases_dir)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    grid = RichTable()
    for title in (("jeu de données", "publiée", "le", "dernière", "statut", "à faire") if lang == "fr" else
                  ("dataset", "published", "on", "latest", "status", "to do")):
        grid.add_column(title)
    for row in rows:
        todo = row["todo_fr"] if lang == "fr" else row["todo_en"]
        grid.add_row(row["dataset"], str(row["published"] or "—"), row["published_at"] or "",
                     str(row["latest"] or "—"), STATUS_LABELS[lang].get(row["latest_status"] or "", "—"),
                     Text("; ".join(todo)))
    Console(width=160).print(grid)
