"""What the commands share: one message and an exit code for every failure
(``guarded``), the progress bar over a command's steps, and the dataset
definition named on the command line."""

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
