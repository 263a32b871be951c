"""The steward CLI ``casa``: a thin layer that parses arguments, calls the
pipeline stages, renders reports and progress with rich, and maps each
``PipelineError`` to one clear message and a documented exit code.

Exit codes: 0 valid/done, 1 data not valid, 2 bad arguments, 3 unreadable or
unsafe source file, 4 wrong dataset definition, schema, suite or missing
référentiel, 5 staging/publication failed, 70 internal error (a bug).
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from casa_pipelines import config
from casa_pipelines.errors import EXIT_INTERNAL, EXIT_SPEC, PipelineError, SpecError

F = TypeVar("F", bound=Callable[..., Any])


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=__doc__.split("\n\n")[1])
def main() -> None:
    """Casa Urban Data: load, validate, publish and roll back data."""


def _fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def guarded(func: F) -> F:
    """One clear line and an exit code for every failure, never a traceback
    (unless CASA_DEBUG=1, for whoever fixes the bug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = kwargs.get("lang", "fr")
        try:
            return func(*args, **kwargs)
        except PipelineError as exc:
            prefix = "Error" if lang == "en" else "Erreur"
            _fail(f"{prefix}: {exc.message(lang)}" if lang == "en" else f"{prefix} : {exc.message(lang)}", exc.exit_code)
        except config.ConfigError:
            _fail("Error: no datastore database configured; source var/<profile>/env.sh or set "
                  "CASA_DATASTORE_URL." if lang == "en" else
                  "Erreur : aucune base datastore configurée ; sourcez var/<profil>/env.sh ou définissez "
                  "CASA_DATASTORE_URL.", EXIT_SPEC)
        except click.exceptions.ClickException:
            raise  # usage errors: click prints them with exit code 2
        except MemoryError:
            _fail("Erreur : mémoire insuffisante pour ce fichier ; découpez-le." if lang != "en"
                  else "Error: not enough memory for this file; split it.", EXIT_INTERNAL)
        except Exception as exc:
            if config.debug():
                raise
            what = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
            _fail(f"Internal error (a bug, please report it): {what}. Run with CASA_DEBUG=1 for details."
                  if lang == "en" else
                  f"Erreur interne (un bogue, merci de le signaler) : {what}. CASA_DEBUG=1 pour le détail.",
                  EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


STEP_LABELS = {
    "fr": {"read": "Lecture du fichier", "validate": "Validation (schéma, géométries, référentiel)",
           "stage": "Chargement en zone de préparation (COPY)", "suite": "Règles métier (Great Expectations)",
           "record": "Enregistrement de la version", "gate": "Contrôle avant publication",
           "build": "Construction de la table publique", "swap": "Bascule atomique",
           "downloads": "Fichiers à télécharger", "catalogue": "Catalogue CKAN"},
    "en": {"read": "Reading the file", "validate": "Validating (schema, geometries, référentiel)",
           "stage": "Staging (COPY)", "suite": "Business rules (Great Expectations)", "record": "Recording the release",
           "gate": "Checking the gate", "build": "Building the public table", "swap": "Atomic swap",
           "downloads": "Downloads", "catalogue": "CKAN catalogue"},
}


@contextlib.contextmanager
def _progress(steps: tuple[str, ...], lang: str) -> Iterator[Callable[[str], None]]:
    """A progress bar over a command's steps, on stderr (stdout keeps the report)."""
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    labels = STEP_LABELS[lang]
    console = Console(stderr=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description:<45}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("", total=len(steps))

        def on(name: str) -> None:
            bar.update(task, completed=steps.index(name), description=labels[name])

        yield on
        bar.update(task, completed=len(steps))


def _spec(dataset: str) -> Any:
    from casa_pipelines.spec import find_spec, load_spec

    path = Path(dataset)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return load_spec(path)
    if "/" in dataset or not dataset.strip():
        raise SpecError(f"Jeu de données « {dataset} » : donnez un nom (slug) ou un fichier .yaml existant.",
                        f"Dataset '{dataset}': give a slug or an existing .yaml file.")
    return find_spec(dataset, config.datasets_dir())


@main.command("validate")
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

    spec = _spec(dataset)
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


@main.command("ingest")
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
    from casa_pipelines.ingest import ingest
    from casa_pipelines.validate.referential_check import PostgresReferential

    spec = _spec(dataset)
    url = config.Settings.from_env().datastore_url
    lookup = PostgresReferential(url) if spec.referentials and not no_referentials else None
    from casa_pipelines.ingest import STEPS

    try:
        with _progress(STEPS, lang) as progress:
            result = ingest(spec, file, url, encoding=encoding, referential=lookup, progress=progress)
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
    from casa_pipelines.gate import failed_rules

    click.echo(result.report.to_text(lang, color=sys.stdout.isatty()), nl=False)
    rules = failed_rules(result.report.to_dict(lang))
    flags = " ".join(f"--waive {rule}" for rule in rules)
    click.echo(f"Release {r.number} recorded as NOT VALID: it cannot be published unless each failed rule is "
               f"waived: casa publish {r.dataset} --release {r.number} {flags} --reason \"…\"" if lang == "en" else
               f"Version {r.number} enregistrée comme NON VALIDE : elle ne peut être publiée qu'avec une dérogation "
               f"par règle en échec : casa publish {r.dataset} --release {r.number} {flags} --reason \"…\"")
    sys.exit(1)


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

    spec = _spec(dataset)
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

    def ckan(spec: Any, conn: Any, release: Any, table: tuple[str, str]) -> None:
        if settings.ckan_ini is None:
            from casa_pipelines.errors import PublishError

            raise PublishError("CKAN_INI n'est pas défini : sourcez var/<profil>/env.sh.",
                               "CKAN_INI is not set: source var/<profile>/env.sh.")
        if not entered:
            stack.enter_context(cat.ckan_environment(settings.ckan_ini))
            entered.append(True)
        cat.sync(spec, conn, release, table_resource_id(spec.slug), root, settings.site_url)

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
        done = ", ".join(result.steps)
        click.echo((f"Release {r.number} is already the published one" + (f"; completed: {done}." if done else "."))
                   if lang == "en" else
                   (f"La version {r.number} est déjà la version publiée" +
                    (f" ; étapes terminées : {done}." if done else ".")))
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
            results = publish_due(settings.datastore_url, specs, downloads=downloads, catalogue=ckan)
            for result in results:
                _say_published(result, lang)
            if not results:
                click.echo("Nothing due." if lang == "en" else "Aucune publication due.")
            return
        if not dataset:
            raise click.UsageError("DATASET manquant / missing DATASET")
        spec = _spec(dataset)
        with _progress(STEPS, lang) as progress:
            result = publish(spec, settings.datastore_url, number=number, embargo=embargo, waive=list(waive),
                             reason=reason, downloads=downloads, catalogue=ckan, progress=progress)
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
    spec = _spec(dataset)
    with contextlib.ExitStack() as stack:
        downloads, ckan = _steps(settings, lang, stack, not no_catalogue)
        with _progress(STEPS, lang) as progress:
            result = publish(spec, settings.datastore_url, number=number, rollback=True, downloads=downloads,
                             catalogue=ckan, progress=progress)
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

    from casa_pipelines.publish import primary_key
    from casa_pipelines.release_diff import diff_releases, render

    spec = _spec(dataset)
    with _connect(lang) as conn:
        result = diff_releases(conn, spec.slug, old, new, primary_key(spec))
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
        rows = collect(conn, config.datasets_dir())
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


def _register() -> None:
    # Each area of the pipelines adds its own command group here.
    try:
        from casa_pipelines.referentials.cli import referentials
    except ImportError:
        return
    main.add_command(referentials)
    from casa_pipelines.sources.cli import source

    main.add_command(source)


_register()
