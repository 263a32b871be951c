"""The vectorised Table Schema engine.

Header checks are a handful of labels and run in Python. Cell and row checks
run as one DuckDB query per check over an Arrow table of text columns, so
the cost grows with the number of columns, not rows x Python calls. The
semantics follow frictionless-py 5 (``table/header.py``, ``table/row.py``,
``resources/table.py``); tests compare both engines triple by triple.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from casa_pipelines.errors import SpecError
from casa_pipelines.extract.table import Table
from casa_pipelines.validate.fields import CompiledField, compile_field, lit
from casa_pipelines.validate.issue import Issue

DEFAULT_MISSING = [""]


@dataclass
class CompiledSchema:
    fields: list[CompiledField]
    primary_key: list[str]
    descriptor: dict[str, Any]


def compile_schema(descriptor: dict[str, Any]) -> CompiledSchema:
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("fields"), list):
        raise SpecError("Le Table Schema doit avoir une liste « fields ».", "The Table Schema must have a 'fields' list.")
    for key in ("foreignKeys", "fieldsMatch"):
        if key in descriptor and not (key == "fieldsMatch" and descriptor[key] == "exact"):
            raise SpecError(f"Table Schema : « {key} » non pris en charge par le moteur (l'intégrité "
                            "référentielle passe par la section referentials du jeu de données).",
                            f"Table Schema: '{key}' is not supported by the engine (referential integrity "
                            "goes through the dataset's referentials section).")
    _check_descriptor(descriptor)
    missing = descriptor.get("missingValues", DEFAULT_MISSING)
    pk = descriptor.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else list(pk)
    fields = [compile_field(f, missing, pk) for f in descriptor["fields"]]
    names = [f.name for f in fields]
    for key in pk:
        if key not in names:
            raise SpecError(f"Table Schema : la clé primaire « {key} » n'est pas un champ.",
                            f"Table Schema: primary key '{key}' is not a field.")
    con = duckdb.connect()
    for f in fields:  # RE2 refuses some Python syntax (look-arounds): say so now, not mid-run
        for cname, sql in f.constraints:
            if cname == "pattern":
                try:
                    con.execute(f"SELECT {sql.replace('({val})', lit(''))}")
                except duckdb.Error as exc:
                    raise SpecError(f"Champ « {f.name} » : motif non pris en charge ({exc}).",
                                    f"Field '{f.name}': unsupported pattern ({exc}).") from None
    return CompiledSchema(fields, pk, descriptor)


def _check_descriptor(descriptor: dict[str, Any]) -> None:
    """The descriptor must be a valid Table Schema for the reference too."""
    from frictionless import FrictionlessException, Schema

    try:
        Schema.from_descriptor(descriptor)
    except FrictionlessException as exc:
        reasons = "; ".join(r.note for r in exc.reasons) or exc.error.note
        raise SpecError(f"Table Schema invalide : {reasons}", f"Invalid Table Schema: {reasons}") from None


def header_issues(labels: list[str], fields: list[CompiledField]) -> list[Issue]:
    if not labels:
        return [Issue("blank-header")]
    issues = [Issue("extra-label", None, n, None, lab) for n, lab in enumerate(labels, 1) if n > len(fields)]
    issues += [Issue("missing-label", None, n, f.name) for n, f in enumerate(fields, 1) if n > len(labels)]
    for n, (f, label) in enumerate(zip(fields, labels), start=1):
        if not label:
            issues.append(Issue("blank-label", None, n, f.name, label))
            continue
        if label in labels[: n - 1]:
            issues.append(Issue("duplicate-label", None, n, f.name, label))
        elif label != f.name:
            issues.append(Issue("incorrect-label", None, n, f.name, label))
    return issues


def _expected_fields(labels: list[str], schema: CompiledSchema) -> list[CompiledField]:
    """One field per label, by position; labels past the schema get a
    fabricated ``any`` field, and schema fields past the labels are dropped."""
    out = []
    for n, label in enumerate(labels):
        if n < len(schema.fields):
            out.append(schema.fields[n])
        else:
            out.append(compile_field({"name": label or f"field{n + 1}", "type": "any"},
                                     schema.descriptor.get("missingValues", DEFAULT_MISSING), []))
    return out


def _arrow(table: Table, width: int) -> pa.Table:
    if table.arrow is not None:
        # Regular file read by Arrow: every row has the header's width.
        n = table.arrow.num_rows
        keep = table.arrow.select(list(range(min(width, table.arrow.num_columns))))
        return keep.append_column("_row", pa.array(range(2, n + 2), pa.int64())).append_column(
            "_width", pa.array([table.arrow.num_columns] * n, pa.int32()) if n else pa.array([], pa.int32()))
    columns: dict[str, pa.Array] = {
        "_row": pa.array(table.row_numbers, pa.int64()),
        "_width": pa.array([len(r) for r in table.rows], pa.int32()),
    }
    if table.rows and all(len(r) == width for r in table.rows):
        # The common, regular case: transpose once in C instead of a test per cell.
        for i, column in enumerate(zip(*table.rows, strict=True)):
            columns[f"c{i + 1}"] = pa.array(column, pa.string())
        return pa.table(columns)
    for i in range(width):
        columns[f"c{i + 1}"] = pa.array([r[i] if i < len(r) else None for r in table.rows], pa.string())
    return pa.table(columns)


FORMULA_RE = r"^[=+\-@][ ]*[A-Za-z_.]+[ ]*\("


def validate_table(table: Table, schema: CompiledSchema, *, formulas: bool = False) -> list[Issue]:
    """Table Schema issues, as frictionless reports them; with ``formulas``,
    also text cells that a spreadsheet would run as a formula (not a
    frictionless check, so off when comparing engines)."""
    issues = header_issues(table.header, schema.fields)
    fields = _expected_fields(table.header, schema)
    n = len(fields)
    con = duckdb.connect()
    con.register("src", _arrow(table, n))
    # Per field: is the cell blank (absent or a missing value), its typed value.
    cols, blanks = ["_row", "_width"], []
    for i, f in enumerate(fields, start=1):
        c = f"c{i}"
        miss = ", ".join(lit(m) for m in f.missing_values) or "NULL"
        blank = f"(_width < {i} OR {c} IN ({miss}))"
        cf = f.on(c)
        cols += [f"{c}", f"{blank} AS b{i}", f"(NOT {blank} AND NOT ({cf.valid_sql})) AS t{i}",
                 f"(CASE WHEN NOT {blank} AND {cf.valid_sql} THEN {cf.value_sql} END) AS v{i}"]
        blanks.append(f"b{i}::INT")
    con.execute(f"CREATE TEMP TABLE cells AS SELECT {', '.join(cols)}, "
                f"({' + '.join(blanks) or '0'}) = {n} AS blank_row FROM src")
    queries = ["SELECT _row, NULL::INT, 'blank-row', NULL, '' FROM cells WHERE blank_row"]
    for i, f in enumerate(fields, start=1):
        c, live = f"c{i}", "NOT blank_row"
        queries.append(f"SELECT _row, {i}, 'type-error', {c}, '' FROM cells WHERE {live} AND t{i}")
        if f.required:
            queries.append(f"SELECT _row, {i}, 'constraint-error', {c}, 'required' FROM cells WHERE {live} AND b{i}")
        for cname, broken in f.constraints:
            sql = broken.replace("({val})", f"v{i}")
            queries.append(f"SELECT _row, {i}, 'constraint-error', {c}, {lit(cname)} FROM cells "
                           f"WHERE {live} AND v{i} IS NOT NULL AND ({sql})")
        queries.append(f"SELECT _row, {i}, 'missing-cell', NULL, '' FROM cells WHERE {live} AND _width < {i}")
        if formulas and f.type in ("string", "any"):
            queries.append(f"SELECT _row, {i}, 'formula-cell', {c}, '' FROM cells "
                           f"WHERE {live} AND regexp_matches({c}, {lit(FORMULA_RE)})")
        if f.unique:
            # Not masked by blank rows: frictionless adds key errors after row processing.
            queries.append(f"SELECT _row, {i}, 'unique-error', {c}, 'unique' FROM (SELECT _row, {c}, v{i}, "
                           f"row_number() OVER (PARTITION BY v{i} ORDER BY _row) AS k FROM cells "
                           f"WHERE v{i} IS NOT NULL) WHERE k > 1")
    names = [f.name for f in fields]
    if schema.primary_key and all(k in names for k in schema.primary_key):
        pos = [names.index(k) + 1 for k in schema.primary_key]
        keys = ", ".join(f"v{p}" for p in pos)
        shown = " || ' | ' || ".join(f"coalesce(c{p}, '')" for p in pos)
        queries.append(f"SELECT _row, NULL::INT, 'primary-key', {shown}, 'null' FROM cells "
                       f"WHERE {' AND '.join(f'v{p} IS NULL' for p in pos)}")
        queries.append(f"SELECT _row, NULL::INT, 'primary-key', v, 'duplicate' FROM (SELECT _row, {shown} AS v, "
                       f"{' OR '.join(f'v{p} IS NOT NULL' for p in pos)} AS has_key, "
                       f"row_number() OVER (PARTITION BY {keys} ORDER BY _row) AS k FROM cells) WHERE has_key AND k > 1")
    rows = con.execute(" UNION ALL ".join(queries)).fetchall()
    for row, number, etype, value, note in rows:
        name = names[number - 1] if number else None
        issues.append(Issue(etype, row, number, name, value, note))
    issues += _extra_cells(con, table, n)
    con.close()
    return sorted(issues, key=_order)


def _extra_cells(con: duckdb.DuckDBPyConnection, table: Table, n: int) -> list[Issue]:
    """Cells past the expected fields: rare, so gathered in Python from the
    few wide rows; blank rows report nothing else (frictionless replaces
    their errors with the single blank-row)."""
    if table.width <= n:
        return []
    blank = {r for (r,) in con.execute(f"SELECT _row FROM cells WHERE _width > {n} AND blank_row").fetchall()}
    out = []
    for number, cells in zip(table.row_numbers, table.rows):
        if len(cells) > n and number not in blank:
            out += [Issue("extra-cell", number, k, None, cells[k - 1]) for k in range(n + 1, len(cells) + 1)]
    return out


_RANK = {t: i for i, t in enumerate(("blank-header", "extra-label", "missing-label", "blank-label",
                                     "duplicate-label", "incorrect-label", "blank-row", "type-error",
                                     "constraint-error", "formula-cell", "extra-cell", "missing-cell", "unique-error",
                                     "primary-key"))}


def _order(issue: Issue) -> tuple[int, int, int]:
    return (issue.row or 0, issue.field_number or 0, _RANK.get(issue.type, 99))


def typed_arrow(table: Table, schema: CompiledSchema) -> pa.Table:
    """The table with each schema field cast to its type (NULL where blank or
    invalid), named by field: what expectation suites and staging consume."""
    fields = schema.fields[: len(table.header)]
    con = duckdb.connect()
    con.register("src", _arrow(table, len(fields)))
    cols = ["_row"]
    for i, f in enumerate(fields, start=1):
        c = f"c{i}"
        miss = ", ".join(lit(m) for m in f.missing_values) or "NULL"
        cf = f.on(c)
        value = f"(CASE WHEN _width >= {i} AND {c} NOT IN ({miss}) AND {cf.valid_sql} THEN {cf.value_sql} END)"
        if f.type == "integer":
            # HUGEINT would reach Arrow as decimal128 and pandas as Decimal objects.
            # Known limit: integers beyond 64 bits (valid for frictionless) become NULL here.
            value = f"TRY_CAST({value} AS BIGINT)"
        cols.append(f"{value} AS \"{f.name.replace(chr(34), chr(34) * 2)}\"")
    out = con.sql(f"SELECT {', '.join(cols)} FROM src").to_arrow_table()
    con.close()
    return out
