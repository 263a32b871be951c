"""Validate the rows of a référentiel version: first the Table Schema
(frictionless, the reference implementation; a version is a few thousand rows),
then the expectation suite (Great Expectations 1.x, public API) on the batches
the suite declares."""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from typing import Any

from casa_pipelines.referentials.errors import SourceError
from casa_pipelines.referentials.report import Issue, Report

# GX reports progress bars and analytics unless told otherwise.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def validate_schema(
    rows: list[dict[str, Any]], schema: dict[str, Any]
) -> tuple[list[dict[str, Any]], Report]:
    """Check the rows against the Table Schema; return them cast to the
    schema's types (row numbers count the header as row 1, as frictionless does)."""
    from frictionless import Resource, Schema

    names = [f["name"] for f in schema["fields"]]
    table = [names] + [[_text(r.get(n)) for n in names] for r in rows]
    resource = Resource(data=table, schema=Schema.from_descriptor(schema))
    report = Report()
    typed: list[dict[str, Any]] = []
    try:
        frictionless_report = resource.validate()
        with Resource(data=table, schema=Schema.from_descriptor(schema)) as reader:
            typed = [r.to_dict() for r in reader.row_stream]
    except Exception as err:  # frictionless raises its own FrictionlessException tree
        raise SourceError(f"Table illisible selon le schéma : {err}") from err
    for task in frictionless_report.tasks:
        for error in task.errors:
            report.errors.append(
                Issue(
                    "schema",
                    getattr(error, "row_number", None),
                    getattr(error, "field_name", None),
                    error.type,
                    error.message,
                )
            )
    return typed, report


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def derive_units(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The 'units' batch: the rows plus the level of their parent in the same version."""
    level = {r["code"]: r["level"] for r in rows}
    return [dict(r, parent_level=level.get(r.get("parent_code") or "")) for r in rows]


def derive_rollups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The 'rollups' batch: one row per parent unit and relation, with its
    declared population and the sum of its children's. Provinces roll up to
    the région only through provinces and préfectures, never through the
    préfectures d'arrondissements they contain (no double counting)."""
    by_code = {r["code"]: r for r in rows}
    relations = [
        ("arrondissement->commune", "arrondissement", "parent_code"),
        (
            "arrondissement->prefecture_arrondissements",
            "arrondissement",
            "prefecture_arrondissements_code",
        ),
        ("commune->cercle", "commune", "cercle_code"),
        ("commune->province", "commune", "province_code"),
        ("province->region", ("province", "prefecture"), "region_code"),
    ]
    out = []
    for relation, child_levels, key in relations:
        sums: dict[str, int] = defaultdict(int)
        counts: dict[str, int] = defaultdict(int)
        for r in rows:
            if r["level"] in child_levels and r.get(key) and r.get(key) != r["code"]:
                sums[r[key]] += r.get("population") or 0
                counts[r[key]] += 1
        for code, total in sums.items():
            parent = by_code.get(code)
            if parent is None or parent.get("population") is None:
                continue  # a missing parent is the 'units' batch's business
            out.append(
                {
                    "relation": relation,
                    "code": code,
                    "population": parent["population"],
                    "children_population": total,
                    "children": counts[code],
                }
            )
    return out


DERIVED = {"units": derive_units, "rollups": derive_rollups}


def build_suites(suite: dict[str, Any]) -> dict[str, Any]:
    """GX suites, one per batch, from the suite file. GX silently drops
    malformed entries, so the count is checked."""
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    built = {}
    for batch, entries in suite["batches"].items():
        gx_suite = gx.ExpectationSuite(name=f"{suite['name']}.{batch}")
        for entry in entries:
            class_name = "".join(part.title() for part in entry["type"].split("_"))
            expectation_class = getattr(gx.expectations, class_name, None)
            if expectation_class is None:
                raise SourceError(
                    f"Suite {suite['name']} : attente inconnue {entry['type']!r}."
                )
            gx_suite.add_expectation(
                expectation_class(**entry["kwargs"], meta=entry.get("meta", {}))
            )
        if len(gx_suite.expectations) != len(entries):
            raise SourceError(
                f"Suite {suite['name']}.{batch} : {len(entries)} attentes lues, "
                f"{len(gx_suite.expectations)} construites."
            )
        built[batch] = gx_suite
    return built


def validate_suite(
    rows: list[dict[str, Any]], suite: dict[str, Any], report: Report
) -> None:
    import great_expectations as gx
    import pandas as pd
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    # The CLI draws its own progress; GX's bars would interleave with it.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("referential")
    for batch, gx_suite in build_suites(suite).items():
        frame = pd.DataFrame(DERIVED[batch](rows))
        if frame.empty:
            continue
        asset = source.add_dataframe_asset(batch)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(
                name=batch,
                data=asset.add_batch_definition_whole_dataframe(batch),
                suite=context.suites.add(gx_suite),
            )
        )
        result = definition.run(
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "COMPLETE"},
        )
        for outcome in result.results:
            report.expectations_run += 1
            if outcome.success:
                continue
            config = outcome.expectation_config
            rule = (config.meta or {}).get("rule_fr") or config.type
            indexes = outcome.result.get("unexpected_index_list") or []
            shown = [
                frame.iloc[int(i)].get("code")
                for i in indexes[:10]
                if isinstance(i, (int,))
            ]
            column = config.kwargs.get("column") or config.kwargs.get("column_A")
            report.errors.append(
                Issue(
                    f"suite:{batch}",
                    None,
                    column,
                    config.type,
                    f"{rule} {len(indexes) or outcome.result.get('unexpected_count', 0)} ligne(s) en défaut"
                    + (f", par exemple : {', '.join(map(str, shown))}" if shown else "")
                    + ".",
                )
            )


def validate(
    rows: list[dict[str, Any]], schema: dict[str, Any], suite: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], Report]:
    typed, report = validate_schema(rows, schema)
    # The suite needs typed, structurally sound rows; schema errors come first.
    if report.valid and suite is not None:
        validate_suite(typed, suite, report)
    return typed, report
