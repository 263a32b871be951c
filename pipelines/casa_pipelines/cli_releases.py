"""The steward's commands on releases: ``casa releases``, ``publish``,
``rollback``, ``diff`` and ``status`` (``casa_pipelines.cli`` has the group,
the error handling, ``validate`` and ``ingest``)."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console

from casa_pipelines import config
from casa_pipelines.cli import guarded, main, progress_bar, spec_of

STATUS_LABELS = {
    "fr": {"failed": "non valide", "validated": "validée", "scheduled": "sous embargo", "published": "publiée",
           "withdrawn": "retirée"},
    "en": {"failed": "not valid", "validated": "validated", "scheduled": "embargoed", "published": "published",
           "withdrawn": "withdrawn"},
}


def _connect(lang: str) -> Any:
    import psycopg

    from casa_pipelines.errors import PublishError
    from casa_pipelines.release import ensure_tables

    try:
        conn = psycopg.connect(config.Settings.from_env().datastore_url)
    except psycopg.OperationalError as exc:
        raise PublishError(f"Base datastore injoignable : {exc}", f"Datastore database unreachable: {exc}") from None
    ensure_tables(conn)
    return conn


@main.command("releases")
@click.argument("dataset")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@guarded
def releases_command(dataset: str, lang: str) -> None:
    """List the releases of DATASET, with their status, embargo and waivers."""
    from rich.table import Table as RichTable

    from casa_pipelines.release import list_releases, waivers

    spec = spec_of(dataset)
    with _connect(lang) as conn:
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
                     r.published_at.strftime("%Y-%m-%d %H:%M") if r.published_at else "", r.source,
                     ", ".join(waived[r.number]))
    Console(width=160).print(grid)


def _steps(settings: Any, lang: str, stack: Any, catalogue: bool) -> tuple[Any, Any]:
    """The publication's steps after the swap: downloads, then the catalogue
    (CKAN loaded once, only when it is needed)."""
    from casa_pipelines import catalogue as cat
    from casa_pipelines.publish import release_downloads, table_resource_id

    root = settings.downloads_dir

    def downloads(spec: Any, conn: Any, release: Any, table: tuple[str, str]) -> None:
        release_downloads(settings.datastore_url, root, spec, conn, release, table)

    entered: list[bool] = []

    def ckan(spec: Any, conn: Any, release: Any, table: tuple[str, str]) -> bool:
        if settings.ckan_ini is None:
            from casa_pipelines.errors import PublishError

            raise PublishError("CKAN_INI n'est pas défini : sourcez var/<profil>/env.sh.",
                               "CKAN_INI is not set: source var/<profile>/env.sh.")
        if not entered:
            stack.enter_context(cat.ckan_environment(settings.ckan_ini))
            entered.append(True)
        return cat.sync(spec, conn, release, table_resource_id(spec.slug), root, settings.site_url) is not None

    return downloads, (ckan if catalogue else None)


def _date_option(ctx: Any, param: Any, value: str | None) -> Any:
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"« {value} » n'est pas une date AAAA-MM-JJ / not a YYYY-MM-DD date") from None


def _say_published(result: Any, lang: str) -> None:
    r = result.release
    t = result.timings
    if result.action == "scheduled":
        click.echo(f"Release {r.number} scheduled: it will be published on {r.embargo_until} by "
                   f"`casa publish --due`; nothing public changed." if lang == "en" else
                   f"Version {r.number} sous embargo : elle sera publiée le {r.embargo_until} par "
                   f"`casa publish --due` ; rien de public n'a changé.")
        return
    if result.action == "completed":
        done = ", ".join(s for s in result.steps if s != "catalogue-updated")
        en, fr = [f"Release {r.number} is already the published one"], [f"La version {r.number} est déjà la version publiée"]
        if done:
            en.append(f"completed: {done}")
            fr.append(f"étapes terminées : {done}")
        if "catalogue-updated" in result.steps:
            en.append("its CKAN dataset now follows the changed definition")
            fr.append("la fiche du catalogue suit maintenant la définition modifiée")
        click.echo("; ".join(en) + "." if lang == "en" else " ; ".join(fr) + ".")
        return
    verb = {"published": ("publiée", "published"),
            "rolled-back": ("republiée (retour arrière)", "republished (rollback)")}[result.action]
    timing = ", ".join(f"{k} {t[k]:.1f} s" for k in ("build", "swap", "downloads", "catalogue") if k in t)
    click.echo(f"Release {r.number} of {r.dataset} {verb[1]}: {result.rows} public rows ({timing})." if lang == "en"
               else f"Version {r.number} de {r.dataset} {verb[0]} : {result.rows} lignes publiques ({timing}).")


@main.command("publish")
@click.argument("dataset", required=False)
@click.option("--release", "number", type=int, help="Release number (default: the latest).")
@click.option("--embargo", callback=_date_option, help="Publish only from this date (YYYY-MM-DD).")
@click.option("--waive", multiple=True, metavar="RULE", help="A failed rule to publish anyway (repeatable).")
@click.option("--reason", help="Why the waived rules are acceptable (required with --waive).")
@click.option("--due", is_flag=True, help="Publish every release whose embargo date has come (for cron).")
@click.option("--no-catalogue", is_flag=True, help="Do not update the CKAN dataset (tests, benchmarks).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@guarded
def publish_command(dataset: str | None, number: int | None, embargo: Any, waive: tuple[str, ...],
                    reason: str | None, due: bool, no_catalogue: bool, lang: str) -> None:
    """Publish a release of DATASET: its public subset on the portal, its
    downloads and its catalogue entry.

    Only a validated release, or one whose every failed rule has a waiver
    (--waive RULE --reason TEXT), is published; with --embargo it is only
    scheduled. Exit 1 when the gate refuses, 5 when publication fails (the
    portal still shows the previous release).
    """
    import contextlib

    from casa_pipelines.publish import STEPS, publish, publish_due

    settings = config.Settings.from_env()
    with contextlib.ExitStack() as stack:
        downloads, ckan = _steps(settings, lang, stack, not no_catalogue)
        if due:
            if dataset:
                raise click.UsageError("--due publie tous les jeux dus : sans DATASET / --due takes no DATASET")
            from casa_pipelines.spec import find_spec

            specs = {p.stem: find_spec(p.stem, config.datasets_dir()) for p in config.datasets_dir().glob("*.yaml")}
            results = publish_due(settings.datastore_url, specs, downloads=downloads, catalogue=ckan,
                                  archive_dir=settings.releases_dir)
            for result in results:
                _say_published(result, lang)
            if not results:
                click.echo("Nothing due." if lang == "en" else "Aucune publication due.")
            return
        if not dataset:
            raise click.UsageError("DATASET manquant / missing DATASET")
        spec = spec_of(dataset)
        with progress_bar(STEPS, lang) as progress:
            result = publish(spec, settings.datastore_url, number=number, embargo=embargo, waive=list(waive),
                             reason=reason, downloads=downloads, catalogue=ckan,
                             archive_dir=settings.releases_dir, progress=progress)
        _say_published(result, lang)


@main.command("rollback")
@click.argument("dataset")
@click.option("--to", "number", type=int, required=True, help="The earlier release to publish again.")
@click.option("--no-catalogue", is_flag=True, help="Do not update the CKAN dataset (tests, benchmarks).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@guarded
def rollback_command(dataset: str, number: int, no_catalogue: bool, lang: str) -> None:
    """Publish an earlier, once public release of DATASET again."""
    import contextlib

    from casa_pipelines.publish import STEPS, publish

    settings = config.Settings.from_env()
    spec = spec_of(dataset)
    with contextlib.ExitStack() as stack:
        downloads, ckan = _steps(settings, lang, stack, not no_catalogue)
        with progress_bar(STEPS, lang) as progress:
            result = publish(spec, settings.datastore_url, number=number, rollback=True, downloads=downloads,
                             catalogue=ckan, archive_dir=settings.releases_dir, progress=progress)
    _say_published(result, lang)


@main.command("diff")
@click.argument("dataset")
@click.argument("old", type=int)
@click.argument("new", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@guarded
def diff_command(dataset: str, old: int, new: int, fmt: str, lang: str) -> None:
    """What changed between releases OLD and NEW of DATASET, by primary key."""
    import json

    from casa_pipelines.public_table import primary_key
    from casa_pipelines.release_diff import diff_releases, render

    spec = spec_of(dataset)
    with _connect(lang) as conn:
        result = diff_releases(conn, spec.slug, old, new, primary_key(spec), config.Settings.from_env().releases_dir)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if fmt == "json" else render(result, lang),
               nl=fmt == "json")


@main.command("status")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@guarded
def status_command(fmt: str, lang: str) -> None:
    """Every declared dataset: its published release, the latest one, what is
    scheduled, and publications left incomplete."""
    import json

    from rich.table import Table as RichTable

    from casa_pipelines.status import collect

    with _connect(lang) as conn:
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
                     "; ".join(todo))
    Console(width=160).print(grid)
