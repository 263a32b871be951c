"""``casa publish`` and ``casa rollback``: a release through the gate to the
portal, its downloads and its catalogue entry."""

from __future__ import annotations

from typing import Any

import click

from casa_pipelines import config
from casa_pipelines.cli.common import guarded, progress_bar, spec_of


def _steps(settings: Any, stack: Any, catalogue: bool) -> tuple[Any, Any]:
    """The publication's steps after the swap: downloads, then the catalogue
    (CKAN loaded once, only when it is needed)."""
    from casa_pipelines.catalogue import sync as cat
    from casa_pipelines.publish.swap import release_downloads, table_resource_id

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


@click.command("publish")
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

    from casa_pipelines.publish.swap import STEPS, publish, publish_due

    settings = config.Settings.from_env()
    with contextlib.ExitStack() as stack:
        downloads, ckan = _steps(settings, stack, not no_catalogue)
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


@click.command("rollback")
@click.argument("dataset")
@click.option("--to", "number", type=int, required=True, help="The earlier release to publish again.")
@click.option("--no-catalogue", is_flag=True, help="Do not update the CKAN dataset (tests, benchmarks).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@guarded
def rollback_command(dataset: str, number: int, no_catalogue: bool, lang: str) -> None:
    """Publish an earlier, once public release of DATASET again."""
    import contextlib

    from casa_pipelines.publish.swap import STEPS, publish

    settings = config.Settings.from_env()
    spec = spec_of(dataset)
    with contextlib.ExitStack() as stack:
        downloads, ckan = _steps(settings, stack, not no_catalogue)
        with progress_bar(STEPS, lang) as progress:
            result = publish(spec, settings.datastore_url, number=number, rollback=True, downloads=downloads,
                             catalogue=ckan, archive_dir=settings.releases_dir, progress=progress)
    _say_published(result, lang)
