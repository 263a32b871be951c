"""Expectation suites (Great Expectations 1.x, public API only).

A suite is a data file (YAML/JSON): a name and a list of
``{type: expect_..., kwargs: {...}, meta: {fr: ..., en: ...}}`` entries.
Each entry becomes a ``gx.expectations.*`` object; the count is checked after
the suite is built because GX drops malformed entries without a word.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from casa_pipelines.errors import SpecError
from casa_pipelines.validate.issue import Issue

MAX_SHOWN = 20  # unexpected values listed per failed expectation


@dataclass(frozen=True)
class SuiteFile:
    name: str
    entries: list[dict[str, Any]]
    path: Path


def read_suite(path: Path) -> SuiteFile:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"Suite {path} illisible : {exc}", f"Suite {path} is unreadable: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not isinstance(raw.get("expectations"), list):
        raise SpecError(f"Suite {path} : il faut « name » (texte) et « expectations » (liste).",
                        f"Suite {path}: 'name' (text) and 'expectations' (list) are required.")
    return SuiteFile(raw["name"], raw["expectations"], Path(path))


def _class_name(expectation_type: str) -> str:
    return "".join(part.capitalize() for part in expectation_type.split("_"))


def _custom(name: str) -> Any:
    from casa_pipelines.validate.expectations import CUSTOM

    return CUSTOM.get(name)


def build_suite(suite_file: SuiteFile) -> Any:
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=suite_file.name)
    for n, entry in enumerate(suite_file.entries, start=1):
        where = f"{suite_file.path} : attente n° {n}"
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
            raise SpecError(f"{where} : « type » manquant.", f"{suite_file.path}: expectation #{n}: 'type' missing.")
        unknown = set(entry) - {"type", "kwargs", "meta"}
        if unknown:
            raise SpecError(f"{where} : clé inconnue {sorted(unknown)}.",
                            f"{suite_file.path}: expectation #{n}: unknown key {sorted(unknown)}.")
        cls = getattr(gx.expectations, _class_name(entry["type"]), None) or _custom(_class_name(entry["type"]))
        if cls is None or not isinstance(cls, type):
            raise SpecError(f"{where} : type d'attente inconnu « {entry['type']} ».",
                            f"{suite_file.path}: expectation #{n}: unknown type '{entry['type']}'.")
        try:
            expectation = cls(**(entry.get("kwargs") or {}), meta=entry.get("meta") or {})
        except Exception as exc:  # noqa: BLE001 - pydantic's ValidationError, TypeError for wrong kwargs
            first = str(exc).splitlines()
            detail = " ".join(first[:3])
            raise SpecError(f"{where} ({entry['type']}) : paramètres invalides : {detail}",
                            f"{suite_file.path}: expectation #{n} ({entry['type']}): invalid parameters: {detail}") from None
        suite.add_expectation(expectation)
    if len(suite.expectations) != len(suite_file.entries):
        raise SpecError(f"{suite_file.path} : {len(suite_file.entries)} attentes déclarées mais "
                        f"{len(suite.expectations)} chargées par Great Expectations.",
                        f"{suite_file.path}: {len(suite_file.entries)} expectations declared but "
                        f"{len(suite.expectations)} loaded by Great Expectations.")
    return suite


def run_suite_on_arrow(suite_file: SuiteFile, data: pa.Table) -> list[Issue]:
    """Run on an in-memory table (typed by the Table Schema engine)."""
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    suite = context.suites.add(build_suite(suite_file))
    name = f"casa-{uuid.uuid4().hex[:8]}"
    frame = data.drop_columns([c for c in ("_row",) if c in data.column_names]).to_pandas()
    batch = context.data_sources.add_pandas(name).add_dataframe_asset("table").add_batch_definition_whole_dataframe("all")
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
    with _quiet():
        result = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
    return _issues(result)


def run_suite_on_postgres(suite_file: SuiteFile, url: str, schema: str, table: str) -> list[Issue]:
    """Run on a staged table: GX compiles the expectations to SQL."""
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    suite = context.suites.add(build_suite(suite_file))
    name = f"casa-{uuid.uuid4().hex[:8]}"
    source = context.data_sources.add_postgres(name, connection_string=url)
    batch = source.add_table_asset("table", table_name=table, schema_name=schema).add_batch_definition_whole_table("all")
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
    with _quiet():
        result = definition.run(result_format="SUMMARY")
    return _issues(result)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """GX draws tqdm bars on stderr; the CLI draws its own progress."""
    with contextlib.redirect_stderr(io.StringIO()):
        yield


def _issues(result: Any) -> list[Issue]:
    out = []
    for r in result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        kwargs = dict(cfg.kwargs)
        column = kwargs.get("column") or " / ".join(
            str(kwargs[k]) for k in ("column_A", "column_B") if k in kwargs) or (
            " / ".join(map(str, kwargs.get("column_list") or [])) or None)
        meta = cfg.meta or {}
        detail = r.result or {}
        if r.exception_info and r.exception_info.get("raised_exception"):
            message = str(r.exception_info.get("exception_message"))[:200]
            fr = f"La vérification n'a pas pu s'exécuter : {message}"
            en = f"The check could not run: {message}"
            out.append(Issue("expectation-error", None, None, column, None, cfg.type, "suite", fr, en))
            continue
        values = detail.get("partial_unexpected_list") or []
        observed = detail.get("observed_value")
        shown = json.dumps(values[:MAX_SHOWN], ensure_ascii=False, default=str) if values else (
            json.dumps(observed, ensure_ascii=False, default=str) if observed is not None else None)
        count = detail.get("unexpected_count")
        fr = meta.get("fr") or f"Règle {cfg.type} non respectée"
        en = meta.get("en") or f"Rule {cfg.type} not met"
        if count:
            fr, en = f"{fr} ({count} valeur(s))", f"{en} ({count} value(s))"
        out.append(Issue("expectation-failed", None, None, column, shown, cfg.type, "suite", fr, en))
    return out
