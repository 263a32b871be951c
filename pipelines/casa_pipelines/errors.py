"""The pipelines' exception tree.

Every failure a steward can cause or meet is a ``PipelineError`` carrying an
exit code, so the CLI maps it to one clear message and a documented code
instead of a traceback. Messages are in French (the stewards' language);
``message(lang="en")`` gives the English text when one was provided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casa_pipelines.validate.report import Report

# The exit codes of the `casa` CLI, every command alike (the README's table
# is this one).
EXIT_OK = 0
EXIT_INVALID = 1  # the data was read but failed its checks; the gate refused
EXIT_USAGE = 2  # bad arguments (click's own code), an unknown référentiel
EXIT_SOURCE = 3  # the file cannot be read safely (encoding, format, archive)
EXIT_SPEC = 4  # the definition, schema or suite is wrong; a référentiel is missing; no configuration
EXIT_PUBLISH = 5  # staging, release or publication failed; the database is unreachable
EXIT_INTERNAL = 70  # a bug: unexpected exception (EX_SOFTWARE)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)

EXIT_CODES: dict[int, tuple[str, str]] = {
    EXIT_OK: ("valide ou fait", "valid or done"),
    EXIT_INVALID: ("données non valides, ou publication refusée par le contrôle",
                   "data not valid, or publication refused by the gate"),
    EXIT_USAGE: ("arguments erronés", "bad arguments"),
    EXIT_SOURCE: ("fichier source illisible ou dangereux", "unreadable or unsafe source file"),
    EXIT_SPEC: ("définition, schéma ou suite erronés, référentiel manquant, configuration absente",
                "wrong definition, schema or suite, missing référentiel, no configuration"),
    EXIT_PUBLISH: ("chargement ou publication en échec, base injoignable",
                   "staging or publication failed, database unreachable"),
    EXIT_INTERNAL: ("erreur interne (un bogue ; CASA_DEBUG=1 montre la trace)",
                    "internal error (a bug; CASA_DEBUG=1 shows the traceback)"),
    EXIT_INTERRUPTED: ("interrompu (Ctrl-C) : rien n'est resté à moitié fait",
                       "interrupted (Ctrl-C): nothing is left half done"),
}


class PipelineError(Exception):
    """Base of every error a steward should see as one clear message."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message_fr: str, message_en: str | None = None) -> None:
        super().__init__(message_fr)
        self.message_fr = message_fr
        self.message_en = message_en or message_fr

    def message(self, lang: str = "fr") -> str:
        return self.message_en if lang == "en" else self.message_fr


class UsageError(PipelineError):
    """An argument names something that does not exist (an unknown
    référentiel), found after click parsed the command line."""

    exit_code = EXIT_USAGE


class SourceError(PipelineError):
    """The source file cannot be read safely: unknown encoding or format,
    unsafe archive, empty file... The steward must fix or declare something."""

    exit_code = EXIT_SOURCE


class SpecError(PipelineError):
    """A dataset definition, Table Schema or expectation suite is malformed
    or uses a feature the engine does not implement."""

    exit_code = EXIT_SPEC


class ValidationFailed(PipelineError):
    """The data was read but did not pass its checks; carries the report."""

    exit_code = EXIT_INVALID

    def __init__(self, report: Report) -> None:
        n = report.total
        super().__init__(
            f"Les données ne sont pas valides : {n} problème(s) trouvé(s).",
            f"The data is not valid: {n} problem(s) found.",
        )
        self.report = report


class PublishError(PipelineError):
    """Staging, releasing or publishing failed; nothing public changed."""

    exit_code = EXIT_PUBLISH


class ReferentialNotLoaded(PipelineError):
    """The territorial référentiel table is missing or empty, so codes cannot
    be checked; integrity is never silently skipped."""

    exit_code = EXIT_SPEC


class StoreError(PublishError):
    """The datastore database cannot be reached or migrated."""
