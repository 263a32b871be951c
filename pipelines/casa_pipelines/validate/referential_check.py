"""Referential integrity: each code must be valid in the territorial
référentiel as of the record's date.

The checker depends only on the ``ReferentialLookup`` protocol (a set of
(code, date) pairs in, the invalid ones out); ``PostgresReferential`` is the
real implementation over ``referentials.unit``, owned by the référentiels
package, and says clearly when that table is not loaded yet.

The référentiel's history starts with its first version (the 2014 census,
valid from 2014-09-01): it knows nothing older. A record dated earlier (a
stadium opened in 1955) is checked against that first version, and its
message says so; otherwise every register with historical dates would be
refused for codes the référentiel simply cannot date.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import psycopg
from psycopg import sql

from casa_pipelines.errors import ReferentialNotLoaded
from casa_pipelines.extract.table import Table
from casa_pipelines.spec import ReferentialSpec
from casa_pipelines.validate.budget import MAX_PER_KIND, IssueBudget
from casa_pipelines.validate.issue import Issue

Pair = tuple[str, dt.date]


class ReferentialLookup(Protocol):
    def invalid(self, pairs: set[Pair]) -> set[Pair]:
        """Return the pairs whose code was not valid on that date (on the
        first day of the history, for earlier dates)."""

    def history_start(self) -> dt.date | None:
        """The first day the référentiel knows (None: no limit)."""


class PostgresReferential:
    def __init__(
        self, url: str, table: str = "referentials.unit", referential: str | None = "territorial_units"
    ) -> None:
        self.url = url
        self.table = sql.Identifier(*table.split("."))
        self.table_name = table
        # referentials.unit holds every référentiel (themes too): only the
        # territorial units' codes are valid territorial codes.
        self.referential = referential
        self._start: dt.date | None = None

    def history_start(self) -> dt.date | None:
        if self._start is None:
            with psycopg.connect(self.url) as conn:
                self._load_start(conn)
        return self._start

    def _load_start(self, conn: psycopg.Connection) -> None:
        """Check that the référentiel is loaded, and note where its history starts."""
        self._check_loaded(conn)
        which = sql.SQL(" WHERE referential = %s" if self.referential else "")
        row = conn.execute(sql.SQL("SELECT min(valid_from) FROM {}{}").format(self.table, which),
                           [self.referential] if self.referential else []).fetchone()
        self._start = row[0] if row else None

    def _check_loaded(self, conn: psycopg.Connection) -> None:
        if conn.execute("SELECT to_regclass(%s)", (self.table_name,)).fetchone() == (None,):
            raise ReferentialNotLoaded(
                f"Le référentiel territorial n'est pas chargé (table {self.table_name} absente) : "
                "chargez-le d'abord avec `casa referentials load`, ou validez avec --no-referentials.",
                f"The territorial référentiel is not loaded (no {self.table_name} table): "
                "load it first with `casa referentials load`, or validate with --no-referentials.")
        empty = sql.SQL("SELECT NOT EXISTS (SELECT 1 FROM {})").format(self.table)
        if conn.execute(empty).fetchone() == (True,):
            raise ReferentialNotLoaded(f"Le référentiel territorial est vide ({self.table_name}).",
                                       f"The territorial référentiel is empty ({self.table_name}).")

    def invalid(self, pairs: set[Pair]) -> set[Pair]:
        if not pairs:
            return set()
        with psycopg.connect(self.url) as conn:
            if self._start is None:
                self._load_start(conn)  # on the same connection as the query
            codes = sorted(pairs)
            # valid_to is exclusive: a code replaced on D is no longer valid on D.
            which = sql.SQL(" AND u.referential = %s" if self.referential else "")
            # Dates before the history's start are checked on its first day.
            query = sql.SQL(
                """SELECT p.code, p.on_date FROM unnest(%s::text[], %s::date[]) AS p(code, on_date),
                     LATERAL (SELECT greatest(p.on_date, %s::date) AS day) AS d
                   WHERE NOT EXISTS (SELECT 1 FROM {} u WHERE u.code = p.code{}
                     AND u.valid_from <= d.day AND (u.valid_to IS NULL OR d.day < u.valid_to))"""
            ).format(self.table, which)
            args: list = [[c for c, _ in codes], [d for _, d in codes], self._start]
            if self.referential:
                args.append(self.referential)
            rows = conn.execute(query, args).fetchall()
        return {(code, day) for code, day in rows}


def referential_issues(table: Table, spec: ReferentialSpec, lookup: ReferentialLookup) -> list[Issue]:
    """Issues for codes unknown on their record's date. Rows whose date
    cannot be read are left to the Table Schema's own type errors."""
    position = {name: i for i, name in enumerate(table.header)}
    wanted = [c for c in spec.columns if c in position]
    date_at = position.get(spec.date_column) if spec.date_column else None
    per_row: list[tuple[int, str, str, dt.date]] = []
    for number, cells in zip(table.row_numbers, table.rows):
        day = spec.date
        if date_at is not None:
            try:
                day = dt.date.fromisoformat(cells[date_at]) if date_at < len(cells) else None
            except ValueError:
                day = None
        if day is None:
            continue
        for column in wanted:
            i = position[column]
            code = cells[i] if i < len(cells) else ""
            if code:
                per_row.append((number, column, code, day))
    bad = lookup.invalid({(code, day) for _, _, code, day in per_row})
    start = lookup.history_start() if bad else None
    # Kept bounded, all counted (budget.py): the first row of each unknown code is listed,
    # up to the budget per column; its other rows are counted.
    budget, listed = IssueBudget(MAX_PER_KIND), set()
    for number, column, code, day in per_row:
        if (code, day) not in bad:
            continue
        if (column, code) in listed:
            budget.totals["referential-unknown-code"] += 1
            continue
        listed.add((column, code))
        if budget.take("referential-unknown-code", column):
            budget.kept.append(Issue("referential-unknown-code", number, position[column] + 1, column, code,
                                     spec.columns[column], "referential", *_hints(code, spec.columns[column], day,
                                                                                  start)))
    return budget.result()


def _hints(code: str, level: str, day: dt.date, start: dt.date | None) -> tuple[str, str]:
    """The French and English hints for ``code``, unknown on ``day``."""
    fr, en = f"au {day.isoformat()}", f"on {day.isoformat()}"
    if start is not None and day < start:
        fr += f" (vérifié dans sa première version, du {start.isoformat()} : il ne remonte pas plus loin)"
        en += f" (checked in its first version, of {start.isoformat()}: it goes no further back)"
    hint_fr = f"Code « {code} » inconnu du référentiel ({level}) {fr} : vérifiez le code ou la date (ancien code renuméroté ?)."
    hint_en = f"Code '{code}' is not in the référentiel ({level}) {en}: check the code or the date (an old, renumbered code?)."
    return hint_fr, hint_en
