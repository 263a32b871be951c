"""Validation: the Table Schema engine, geometry checks, referential
integrity and the expectation suite, merged into one ``Report``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from casa_pipelines.errors import SpecError
from casa_pipelines.extract.table import Table
from casa_pipelines.spec import DatasetSpec
from casa_pipelines.validate.budget import MAX_PER_KIND
from casa_pipelines.validate.engine import compile_schema, validate_table
from casa_pipelines.validate.geometry import geometry_issues
from casa_pipelines.validate.issue import Issue
from casa_pipelines.validate.referential_check import (
    ReferentialLookup,
    referential_issues,
)
from casa_pipelines.validate.report import Report
from casa_pipelines.validate.suite import read_suite, run_suite_on_arrow
from casa_pipelines.validate.typed import typed_arrow

__all__ = ["Issue", "Report", "load_schema", "validate"]


def load_schema(path: Path) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text) if Path(path).suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise SpecError(f"Table Schema {path} illisible : {exc}", f"Table Schema {path} is unreadable: {exc}") from None
    if not isinstance(data, dict):
        raise SpecError(f"Table Schema {path} : un dictionnaire est attendu.", f"Table Schema {path}: a mapping is expected.")
    return data


def validate(table: Table, spec: DatasetSpec, *, referential: ReferentialLookup | None = None,
             run_suite: bool = True) -> Report:
    """Every check the dataset declares. Later layers run only on structurally
    valid data: a suite over a table with type errors measures the errors."""
    descriptor = load_schema(spec.schema_path)
    schema = compile_schema(descriptor)
    report = Report(dataset=spec.slug, source=table.name, rows=table.n_rows,
                    fields={f["name"]: f for f in descriptor["fields"]}, primary_key=schema.primary_key,
                    encoding=table.encoding, delimiter=table.delimiter)
    report.add("table-schema", validate_table(table, schema, formulas=True, per_kind=MAX_PER_KIND))
    if not table.n_rows:
        report.add("rows", [Issue("no-rows", None, None, None, None, "", "rows")])
    if table.geometries is not None:
        report.add("geometry", geometry_issues(table))
    if spec.referentials and referential is not None:
        report.add("referential", referential_issues(table, spec.referentials, referential))
    if spec.suite_path and run_suite and report.valid:
        report.add("suite", run_suite_on_arrow(read_suite(spec.suite_path), typed_arrow(table, schema)))
    return report
