"""The exceptions of the référentiel pipeline. The CLI maps each class to one
message and one exit code (see ``cli.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casa_pipelines.referentials.report import Report


class ReferentialError(Exception):
    """Base class: something the steward can act upon."""

    exit_code = 1


class UnknownReferential(ReferentialError):
    exit_code = 2


class SourceError(ReferentialError):
    """The source cannot be read or does not look like what was declared."""

    exit_code = 3


class ValidationFailed(ReferentialError):
    """The rows break the Table Schema or the expectation suite."""

    exit_code = 4

    def __init__(self, report: Report) -> None:
        super().__init__(f"{len(report.errors)} erreur(s) de validation")
        self.report = report


class PublishError(ReferentialError):
    """The version cannot be published (conflict with what is stored)."""

    exit_code = 5


class StoreError(ReferentialError):
    """The datastore database cannot be reached or migrated."""

    exit_code = 6
