"""The référentiel pipeline's errors: the core's tree (``casa_pipelines.errors``),
with its exit codes, and the one the référentiels add."""

from __future__ import annotations

from typing import TYPE_CHECKING

from casa_pipelines.errors import (
    PipelineError,
    PublishError,
    SourceError,
    StoreError,
    UsageError,
)
from casa_pipelines.errors import ValidationFailed as CoreValidationFailed

if TYPE_CHECKING:
    from casa_pipelines.referentials.report import Report

# The names the référentiel modules import.
ReferentialError = PipelineError
__all__ = ["PublishError", "ReferentialError", "SourceError", "StoreError", "UnknownReferential", "ValidationFailed"]


class UnknownReferential(UsageError):
    """No référentiel of that name is declared under ``referentials/``."""


class ValidationFailed(CoreValidationFailed):
    """The rows break the Table Schema or the expectation suite."""

    def __init__(self, report: Report) -> None:
        n = len(report.errors)
        PipelineError.__init__(self, f"{n} erreur(s) de validation", f"{n} validation error(s)")
        self.report = report  # type: ignore[assignment]
