"""The vectorised Table Schema engine.

Header checks are a handful of labels and run in Python. Cell and row checks
run as one DuckDB query per check over an Arrow table of text columns, so
the cost grows with the number of columns, not rows x Python calls. The
semantics follow frictionless-py 5 (``table/header.py``, ``table/row.py``,
``resources/table.py``); tests compare both engines triple by triple.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from casa_pipelines.errors import SpecError
from casa_pipelines.extract.table import Table
from casa_pipelines.validate.budget import IssueBudget, IssueList
from casa_pipelines.validate.fields import CompiledField, compile_field, lit
from casa_pipelines.validate.issue import Issue
from casa_pipelines.validate.issue_types import rank

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


# Cells past the header that the in-place reader keeps; a wider row makes
# DuckDB stop, and the file is then read in memory.
EXTRA_CELLS = 4
# DuckDB's CSV buffer for a file read in place: its default (16 x the 2 MB
# longest line, per thread) held about 150 MB while a million rows were
# typed for staging; 4 MB held about 75 MB, at the same speed (bench-ingest).
CSV_BUFFER = 4 << 20
# DuckDB's own reader: a line break cannot be a cell of a file read in place
# (see csv_file), so it marks the cells a short row lacks.
_ABSENT = "'\n'"


class _Fallback(Exception):
    """The in-place reading of a file did not give exactly its rows."""


def connect_duckdb() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(config={"preserve_insertion_order": True})


def file_source(table: Table, width: int) -> str:
    """Cells ``c1..c<width>`` of the data rows of a file read in place by
    DuckDB, in file order; NULL is a cell the row lacks. No row number: a
    row_number() window would run the whole query on one thread, so callers
    number rows by their order (``rowid`` of a table built with insertion
    order preserved, or position in the stream)."""
    f = table.file
    assert f is not None
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, width + 1)) + "}"
    # skip=1 skips the header line: csv_file made sure it is one physical line.
    return (f"read_csv({lit(str(f.path))}, delim={lit(f.delimiter)}, quote='\"', escape='\"', header=false, "
            f"skip=1, columns={columns}, auto_detect=false, strict_mode=true, null_padding=true, "
            f"nullstr={_ABSENT}, parallel=true, buffer_size={CSV_BUFFER})")


def memory_source(con: duckdb.DuckDBPyConnection, table: Table, width: int) -> str:
    """Register the in-memory cells as ``src``: ``_row`` and ``c1..c<width>``, NULL where a row is short."""
    if table.arrow is not None:
        # Regular file read by Arrow: every row has the header's width.
        n = table.arrow.num_rows
        data = table.arrow.select(list(range(min(width, table.arrow.num_columns))))
        data = data.add_column(0, "_row", pa.array(range(2, n + 2), pa.int64()))
    else:
        columns: dict[str, pa.Array] = {"_row": pa.array(table.row_numbers, pa.int64())}
        rows = table.rows
        if rows and all(len(r) == width for r in rows):
            # The common, regular case: transpose once in C instead of a test per cell.
            for i, column in enumerate(zip(*rows, strict=True)):
                columns[f"c{i + 1}"] = pa.array(column, pa.string())
        else:
            for i in range(width):
                columns[f"c{i + 1}"] = pa.array([r[i] if i < len(r) else None for r in rows], pa.string())
        data = pa.table(columns)
    for i in range(data.num_columns - 1, width):
        data = data.append_column(f"c{i + 1}", pa.nulls(data.num_rows, pa.string()))
    con.register("src_memory", data)
    return "src_memory"


# OWASP's CSV injection guidance: a cell starting with =, +, -, @, tab or carriage return may be
# run as a formula (`+cmd|' /C calc'!A0` needs no function call). A plain signed number
# (`-12.5`, `+212 522 12 34 56`) is data, not a formula.
FORMULA_RE = "^[=+\\-@\t\r]"
PLAIN_NUMBER_RE = "^[+-]?[0-9][0-9 .,]*$"
# Bits of a cell's problem mask; constraints take the bits from _CONSTRAINT_BIT up, in order.
_TYPE, _REQUIRED, _MISSING, _FORMULA, _RANGE, _IMPLAUSIBLE, _CONSTRAINT_BIT = 1, 2, 4, 8, 16, 32, 6
# Dates outside these years are valid for the Table Schema but almost always a typing slip or
# a placeholder (9999-12-31, 0001-01-01): a warning, not an error (the README documents them).
PLAUSIBLE_DATES = ("1800-01-01", "2100-12-31")
# What PostgreSQL's bigint holds: an integer beyond is valid for the Table Schema
# (and frictionless) but could not be staged without being lost.
_BIGINT = (-(2 ** 63), 2 ** 63 - 1)


def validate_table(table: Table, schema: CompiledSchema, *, formulas: bool = False,
                   per_kind: int | None = None) -> IssueList:
    """Table Schema issues, as frictionless reports them; with ``formulas``,
    also what frictionless does not check (so off when comparing engines):
    text cells that a spreadsheet would run as a formula, and integers
    beyond what PostgreSQL's bigint can store.

    One DuckDB pass over the cells keeps only the rows with a problem, as
    per-cell bit masks, and the key columns the uniqueness checks need.
    With ``per_kind``, only the first issues of each type and column are
    kept, all counted (budget.py); None keeps all, as frictionless does."""
    issues = header_issues(table.header, schema.fields)
    fields = _expected_fields(table.header, schema)
    if table.file is not None:
        try:
            return _merged(issues, _cell_issues(table, fields, schema, formulas, per_kind))
        except (duckdb.Error, _Fallback):
            table.load()  # the in-memory reader decides (and words any error)
    return _merged(issues, _cell_issues(table, fields, schema, formulas, per_kind))


def _merged(header: list[Issue], cells: IssueList) -> IssueList:
    totals = cells.totals.copy()
    totals.update(i.type for i in header)
    return IssueList(sorted(header + cells, key=_order), totals)


def _cell_issues(table: Table, fields: list[CompiledField], schema: CompiledSchema,
                 formulas: bool, per_kind: int | None) -> IssueList:
    n = len(fields)
    con = connect_duckdb()
    try:
        if table.file is not None:
            width = n + EXTRA_CELLS
            src = file_source(table, width)
        else:
            width = max(table.width, n)
            src = memory_source(con, table, width)
        return _query_issues(con, table, src, fields, schema, width, formulas, IssueBudget(per_kind))
    finally:
        con.close()


def _query_issues(con: duckdb.DuckDBPyConnection, table: Table, src: str, fields: list[CompiledField],
                  schema: CompiledSchema, width: int, formulas: bool, budget: IssueBudget) -> IssueList:
    n = len(fields)
    names = [f.name for f in fields]
    pk = [names.index(k) + 1 for k in schema.primary_key] if schema.primary_key and all(
        k in names for k in schema.primary_key) else []
    uniques = [i for i, f in enumerate(fields, start=1) if f.unique]
    keyed = sorted(set(pk) | set(uniques))
    numbered = table.file is None  # in-memory rows carry their number; file rows are numbered by position
    row_sql = "_row" if numbered else "(rowid + 2)"
    # Level 1: per field, is the cell blank (absent or a missing value), and the fast type test.
    level1 = ["_row"] * numbered + [f"c{i}" for i in range(1, width + 1)]
    for i, f in enumerate(fields, start=1):
        c = f"c{i}"
        miss = " OR ".join(f"{c} = {lit(m)}" for m in f.missing_values)
        level1.append(f"({c} IS NULL{' OR ' + miss if miss else ''}) AS b{i}")
        if f.fast:
            # A column alias of the same list: DuckDB inlines the blank test.
            level1.append(f"(CASE WHEN b{i} THEN FALSE ELSE {f.on(c).fast[0]} END) AS f{i}")  # type: ignore[index]  # f.fast: set
    # Level 2: the typed value (NULL where blank or invalid); whether the whole row is blank.
    level2 = ["*"]
    for i, f in enumerate(fields, start=1):
        level2.append(f"{f.typed(f'c{i}', f'b{i}', f'f{i}' if f.fast else None)} AS v{i}")
    level2.append(f"({' AND '.join(f'b{i}' for i in range(1, n + 1)) or 'TRUE'}) AS blank_row")
    # Level 3: does any cell of the row have a problem (plain booleans, cheap on every row), then one
    # problem mask per cell, computed only for the few rows that have one (a CASE branch).
    masks, problems = [], []
    for i, f in enumerate(fields, start=1):
        c = f"c{i}"
        ok = f.type_ok(c, f"b{i}", f"v{i}", f"f{i}" if f.fast else None)
        bits = [(f"NOT {ok}", _TYPE), (f"{c} IS NULL", _MISSING)]
        if f.required:
            bits.append((f"b{i}", _REQUIRED))
        if formulas and f.type in ("string", "any"):
            formula = (f"coalesce(regexp_matches({c}, {lit(FORMULA_RE)}) AND NOT regexp_matches({c}, "
                       f"{lit(PLAIN_NUMBER_RE)}), FALSE)")
            bits.append((formula, _FORMULA))
        if formulas and f.type == "integer":
            # Beyond HUGEINT the cast gives NULL: a well-formed integer with no value is out of range too.
            bits.append((f"coalesce(v{i} NOT BETWEEN {_BIGINT[0]} AND {_BIGINT[1]}, NOT b{i} AND {ok})", _RANGE))
        if formulas and f.type == "date":
            implausible = (f"coalesce(v{i} NOT BETWEEN DATE {lit(PLAUSIBLE_DATES[0])} AND DATE "
                           f"{lit(PLAUSIBLE_DATES[1])}, FALSE)")
            bits.append((implausible, _IMPLAUSIBLE))
        for j, (_, broken) in enumerate(f.constraints):
            bits.append((f"coalesce({broken.replace('({val})', f'v{i}')}, FALSE)", 1 << (_CONSTRAINT_BIT + j)))
        masks.append(" + ".join(f"(CASE WHEN {test} THEN {bit} ELSE 0 END)" for test, bit in bits))
        problems.append(" OR ".join(test for test, _ in bits))
    extra = [f"c{i} IS NOT NULL" for i in range(n + 1, width + 1)]
    pk_null = " AND ".join(f"v{p} IS NULL" for p in pk) if pk else "FALSE"
    bad = " OR ".join(["blank_row", "pk_null", f"(NOT blank_row AND ({' OR '.join(problems + extra)}))"])
    level3 = ["_row"] * numbered + ["blank_row", f"({pk_null}) AS pk_null",
                                    *(f"c{i}" for i in range(1, width + 1)), *(f"v{i}" for i in range(1, n + 1))]
    if any(f.fast for f in fields):
        level3 += [f"f{i}" for i, f in enumerate(fields, start=1) if f.fast]
    level3 += [f"b{i}" for i in range(1, n + 1)]
    scan = (f"SELECT {', '.join(level3)} FROM (SELECT {', '.join(level2)} FROM "
            f"(SELECT {', '.join(level1)} FROM {src}))")
    cells = ", ".join(f"c{i}" for i in range(1, width + 1))
    # Blank rows report only blank-row and key errors.
    packed = (f"{{'masks': [blank_row::INT, pk_null::INT, "
              f"{', '.join(f'(CASE WHEN blank_row THEN 0 ELSE {m} END)' for m in masks)}], 'cells': [{cells}]}}")
    # Every row's key columns (for duplicates), and the masks and cells of the few bad rows. The table
    # is built in parallel with insertion order preserved: a file row's number follows from its rowid.
    # A text key is its own cell: the cell is kept only where the value is not.
    raw = [f"CASE WHEN v{i} IS NULL THEN c{i} END AS c{i}" if fields[i - 1].type in ("string", "any") else f"c{i}"
           for i in keyed]
    kept = ", ".join(["_row"] * numbered + raw + [f"v{i}" for i in keyed] +
                     [f"CASE WHEN {bad} THEN {packed} END AS problem"])
    con.execute(f"CREATE TEMP TABLE checked AS SELECT {kept} FROM ({scan})")
    count = con.execute("SELECT count(*) FROM checked").fetchone()[0]  # type: ignore[index]  # count(*): one row
    if table.file is not None and count != table.file.rows:
        raise _Fallback
    # The bad rows are streamed, counted, and kept up to the budget (every row of a million
    # failing once became 2 GB of issues).
    take = budget.take
    con.execute(f"SELECT {row_sql}, problem FROM checked WHERE problem IS NOT NULL ORDER BY 1")
    while batch := con.fetchmany(BATCH_ROWS):
        for row, p in batch:
            _row_issues(budget, take, row, p["masks"], p["cells"], fields, n, width, pk)
    if keyed:
        _key_issues(con, budget, fields, pk, uniques, row_sql)
    return budget.result()


BATCH_ROWS = 10_000


def _row_issues(budget: IssueBudget, take: Callable[..., bool], row: int, m: list[int], cells_: list[str | None],
                fields: list[CompiledField], n: int, width: int, pk: list[int]) -> None:
    blank_row, pk_is_null, cell_masks = m[0], m[1], m[2:]
    keep = budget.kept.append
    if blank_row and take("blank-row", None):
        keep(Issue("blank-row", row, None, None, None))
    for i, (f, mask) in enumerate(zip(fields, cell_masks), start=1):
        if not mask:
            continue
        value = cells_[i - 1]
        if mask & _TYPE and take("type-error", f.name):
            keep(Issue("type-error", row, i, f.name, value))
        if mask & _REQUIRED and take("constraint-error", f.name):
            keep(Issue("constraint-error", row, i, f.name, value, "required"))
        for j, (cname, _) in enumerate(f.constraints):
            if mask & (1 << (_CONSTRAINT_BIT + j)) and take("constraint-error", f.name):
                keep(Issue("constraint-error", row, i, f.name, value, cname))
        if mask & _MISSING and take("missing-cell", f.name):
            keep(Issue("missing-cell", row, i, f.name, None))
        if mask & _RANGE and take("integer-out-of-range", f.name):
            keep(Issue("integer-out-of-range", row, i, f.name, value))
        if mask & _FORMULA and take("formula-cell", f.name):
            keep(Issue("formula-cell", row, i, f.name, value))
        if mask & _IMPLAUSIBLE and take("date-implausible", f.name):
            keep(Issue("date-implausible", row, i, f.name, value, "plausibility"))
    if not blank_row:
        for k in range(n + 1, width + 1):
            if cells_[k - 1] is not None and take("extra-cell", k):
                keep(Issue("extra-cell", row, k, None, cells_[k - 1]))
    if pk_is_null and take("primary-key", None):
        shown = " | ".join(cells_[p - 1] or "" for p in pk)
        keep(Issue("primary-key", row, None, None, shown, "null"))


def _key_issues(con: duckdb.DuckDBPyConnection, budget: IssueBudget, fields: list[CompiledField], pk: list[int],
                uniques: list[int], row_sql: str) -> None:
    """Rows repeating a unique value or a primary key seen on an earlier row
    (not masked by blank rows: frictionless adds key errors after row processing)."""
    rows = f"(SELECT {row_sql} AS _r, * FROM checked)"
    for i in uniques:
        name = fields[i - 1].name
        found = f"FROM {rows} c JOIN (SELECT v{i} AS k, min(_r) AS first FROM {rows} WHERE v{i} IS NOT NULL " \
                f"GROUP BY v{i} HAVING count(*) > 1) d ON c.v{i} = d.k WHERE c._r > d.first"
        _counted(con, budget, "unique-error", name, f"SELECT c._r, coalesce(c.c{i}, c.v{i}::VARCHAR) {found}",
                 lambda r, value, i=i, name=name: Issue("unique-error", r, i, name, value, "unique"))  # type: ignore[misc]
    if pk:
        keys = ", ".join(f"v{p}" for p in pk)
        on = " AND ".join(f"c.v{p} IS NOT DISTINCT FROM d.v{p}" for p in pk)
        shown = " || ' | ' || ".join(
            f"coalesce(c.c{p}, {'c.v' + str(p) if fields[p - 1].type in ('string', 'any') else 'NULL'}, '')" for p in pk)
        con.execute(f"CREATE TEMP TABLE repeated AS SELECT {keys}, min(_r) AS first FROM {rows} "
                    f"WHERE {' OR '.join(f'v{p} IS NOT NULL' for p in pk)} GROUP BY {keys} HAVING count(*) > 1")
        if con.execute("SELECT count(*) FROM repeated").fetchone()[0]:  # type: ignore[index]  # count(*): one row
            _counted(con, budget, "primary-key", None,
                     f"SELECT c._r, {shown} FROM {rows} c JOIN repeated d ON {on} WHERE c._r > d.first",
                     lambda r, value: Issue("primary-key", r, None, None, value, "duplicate"))


def _counted(con: duckdb.DuckDBPyConnection, budget: IssueBudget, kind: str, column: str | None, query: str,
             make: Callable[[int, str], Issue]) -> None:
    """Count the rows of ``query`` in SQL and fetch only the ones the budget keeps."""
    total = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]  # type: ignore[index]  # count(*): one row
    limit = "" if budget.per_kind is None else f" LIMIT {budget.per_kind}"
    kept = con.execute(f"{query} ORDER BY 1{limit}").fetchall()
    for r, value in kept:
        if budget.take(kind, column):
            budget.kept.append(make(r, value))
    budget.totals[kind] += total - len(kept)




def _order(issue: Issue) -> tuple[int, int, int]:
    return (issue.row or 0, issue.field_number or 0, rank(issue.type))
