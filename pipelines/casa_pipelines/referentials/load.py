"""The load of one référentiel version, as plain stages the CLI and the tests
call: extract -> validate -> diff -> publish (one transaction)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from casa_pipelines.referentials import diff as diffing
from casa_pipelines.referentials import store
from casa_pipelines.referentials.errors import PublishError, ValidationFailed
from casa_pipelines.referentials.extract import Extract
from casa_pipelines.referentials.report import Report
from casa_pipelines.referentials.spec import ReferentialSpec
from casa_pipelines.referentials.validate import validate


@dataclass
class Outcome:
    referential: str
    label: str
    source: str
    valid_from: dt.date
    sha256: str
    report: Report
    extract: Extract
    diff: diffing.Diff | None = None
    current_label: str | None = None
    status: str = "pending"  # published | unchanged | dry-run | invalid
    version_id: int | None = None
    notes: list[str] = field(default_factory=list)

    def as_report(self) -> dict[str, Any]:
        return {
            "validation": self.report.as_dict(),
            "quirks": [q.as_dict() for q in self.extract.quirks],
            "diff": self.diff.counts() if self.diff else {},
            "previous_version": self.current_label,
        }


def extract(spec: ReferentialSpec, source: str | None) -> Extract:
    fields = [f["name"] for f in spec.schema()["fields"]]
    return spec.adapter_module().extract(source or spec.default_source, fields)


def run(
    engine: sa.Engine,
    spec: ReferentialSpec,
    *,
    label: str,
    source: str | None = None,
    valid_from: dt.date | None = None,
    dry_run: bool = False,
) -> Outcome:
    """Validate, diff and (unless ``dry_run``) publish. Raises ValidationFailed
    before touching the database when the rows are invalid."""
    data = extract(spec, source)
    typed, report = validate(data.rows, spec.schema(), spec.suite())
    for row in typed:
        row["row_sha256"] = diffing.row_hash(
            {k: v for k, v in row.items()}, data.geometries.get(row["code"])
        )
    sha = diffing.version_hash([r["row_sha256"] for r in typed], data.lineage)
    if not report.valid:
        raise ValidationFailed(report)
    when = valid_from or (
        dt.date.fromisoformat(data.valid_from) if data.valid_from else None
    )
    if when is None:
        raise PublishError(
            "Date de début de validité inconnue : passez --valid-from AAAA-MM-JJ."
        )
    outcome = Outcome(spec.name, label, data.source, when, sha, report, data)
    with engine.begin() as conn:
        current = store.current_version(conn, spec.name)
        outcome.current_label = current.label if current else None
        same = store.version_by_sha(conn, spec.name, sha)
        if same is not None:
            outcome.status = "unchanged"
            outcome.notes.append(
                f"Contenu identique à la version {same!r} : rien à publier."
            )
            return outcome
        old = store.current_units(conn, spec.name)
        outcome.diff = diffing.compute(old, {r["code"]: r for r in typed}, data.lineage)
        if dry_run:
            outcome.status = "dry-run"
            return outcome
        outcome.version_id = store.publish(
            conn,
            spec,
            label=label,
            valid_from=when,
            source=data.source,
            sha256=sha,
            rows=typed,
            geometries=data.geometries,
            diff=outcome.diff,
            report=outcome.as_report(),
        )
        outcome.status = "published"
    return outcome
