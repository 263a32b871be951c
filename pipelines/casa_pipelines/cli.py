"""The steward CLI ``casa``: a thin layer that parses arguments, calls the
pipeline stages, renders reports and progress with rich, and maps each
``PipelineError`` to one clear message and a documented exit code.

Exit codes: 0 valid/done, 1 data not valid, 2 bad arguments, 3 unreadable or
unsafe source file, 4 wrong dataset definition, schema, suite or missing
référentiel, 5 staging/publication failed, 70 internal error (a bug), 130
interrupted (Ctrl-C).
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
from casa_pipelines.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_SPEC,
    PipelineError,
    SpecError,
)

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
        except KeyboardInterrupt:
            # Every step is a transaction or an atomic rename: an interrupted
            # command leaves nothing half done (click alone said "Aborted!", exit 1).
            _fail("Interrupted: nothing was left half done; `casa status` tells where the dataset stands, "
                  "run the command again to finish." if lang == "en" else
                  "Interrompu : rien n'est resté à moitié fait ; `casa status` dit où en est le jeu de données, "
                  "relancez la commande pour terminer.", EXIT_INTERRUPTED)
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
def progress_bar(steps: tuple[str, ...], lang: str) -> Iterator[Callable[[str], None]]:
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


def spec_of(dataset: str) -> Any:
    """The definition of DATASET: a slug of datasets/, or a .yaml file."""
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

    spec = spec_of(dataset)
    settings = config.Settings.from_env()
    url = settings.datastore_url
    lookup = PostgresReferential(url) if spec.referentials and not no_referentials else None
    from casa_pipelines.ingest import STEPS

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
    from casa_pipelines.gate import failed_rules

    click.echo(result.report.to_text(lang, color=sys.stdout.isatty()), nl=False)
    rules = failed_rules(result.report.to_dict(lang))
    flags = " ".join(f"--waive {rule}" for rule in rules)
    click.echo(f"Release {r.number} recorded as NOT VALID: it cannot be published unless each failed rule is "
               f"waived: casa publish {r.dataset} --release {r.number} {flags} --reason \"…\"" if lang == "en" else
               f"Version {r.number} enregistrée comme NON VALIDE : elle ne peut être publiée qu'avec une dérogation "
               f"par règle en échec : casa publish {r.dataset} --release {r.number} {flags} --reason \"…\"")
    sys.exit(1)


def _register() -> None:
    # Each area of the pipelines adds its own command group here.
    try:
        from casa_pipelines.referentials.cli import referentials
    except ImportError:
        return
    main.add_command(referentials)
    from casa_pipelines.sources.cli import source

    main.add_command(source)
    # releases, publish, rollback, diff, status: they add themselves to `main`.
    import casa_pipelines.cli_releases  # noqa: F401


_register()
