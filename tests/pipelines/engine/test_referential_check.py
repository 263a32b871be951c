"""Referential integrity: the checker's logic with a test double of the
lookup, and the real PostgreSQL query against a table of the same shape."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from casa_pipelines.errors import ReferentialNotLoaded
from casa_pipelines.extract import extract_bytes
from casa_pipelines.spec import ReferentialSpec
from casa_pipelines.validate.referential_check import (
    Pair,
    PostgresReferential,
    referential_issues,
)

CSV = (
    b"id,arrondissement_code,date_ouverture\n"
    b"EQ-1,06.141.01.01,2020-01-01\n"
    b"EQ-2,06.999.01.01,2020-01-01\n"  # never existed
    b"EQ-3,06.141.01.01,1990-01-01\n"  # before the code was created
    b"EQ-4,,2020-01-01\n"  # blank: required-ness is the schema's business
    b"EQ-5,06.141.01.01,not-a-date\n"  # left to the schema's type error
)


class KnownCodes:
    """Test double: a code is valid from a date, for ever; the history
    starts on ``start`` (None: no limit)."""

    def __init__(self, codes: dict[str, dt.date], start: dt.date | None = None) -> None:
        self.codes = codes
        self.start = start
        self.asked: set[Pair] = set()

    def invalid(self, pairs: set[Pair]) -> set[Pair]:
        self.asked |= pairs
        return {(c, d) for c, d in pairs if c not in self.codes or max(d, self.start or d) < self.codes[c]}

    def history_start(self) -> dt.date | None:
        return self.start


def test_checker_reports_code_and_row_as_of_record_date() -> None:
    table = extract_bytes(CSV, "eq.csv")
    lookup = KnownCodes({"06.141.01.01": dt.date(2009, 1, 1)})
    spec = ReferentialSpec({"arrondissement_code": "unit"}, date_column="date_ouverture")
    issues = referential_issues(table, spec, lookup)
    assert [(i.row, i.field_number, i.type, i.value) for i in issues] == [
        (3, 2, "referential-unknown-code", "06.999.01.01"),
        (4, 2, "referential-unknown-code", "06.141.01.01"),
    ]
    assert "1990-01-01" in issues[1].hint_fr
    assert len(lookup.asked) == 3  # one question per distinct (code, date), not per row


def test_dates_before_the_history_are_checked_in_the_first_version() -> None:
    """The history starts in 2009: EQ-3 (1990, a code of 2009) passes, and a
    code created in 2012 is still refused for 1990, with a message that
    says which version was used."""
    table = extract_bytes(CSV + b"EQ-6,06.141.01.53,1990-01-01\n", "eq.csv")
    lookup = KnownCodes({"06.141.01.01": dt.date(2009, 1, 1), "06.141.01.53": dt.date(2012, 1, 1)},
                        start=dt.date(2009, 1, 1))
    spec = ReferentialSpec({"arrondissement_code": "unit"}, date_column="date_ouverture")
    issues = referential_issues(table, spec, lookup)
    assert [(i.row, i.value) for i in issues] == [(3, "06.999.01.01"), (7, "06.141.01.53")]
    assert "au 2020-01-01 :" in issues[0].hint_fr
    assert "au 1990-01-01 (vérifié dans sa première version, du 2009-01-01" in issues[1].hint_fr
    assert "on 1990-01-01 (checked in its first version, of 2009-01-01" in issues[1].hint_en


def test_checker_with_fixed_date() -> None:
    table = extract_bytes(CSV, "eq.csv")
    spec = ReferentialSpec({"arrondissement_code": "unit"}, date=dt.date(2024, 9, 1))
    issues = referential_issues(table, spec, KnownCodes({"06.141.01.01": dt.date(2009, 1, 1)}))
    assert [i.row for i in issues] == [3]


@pytest.fixture()
def unit_table(url: str) -> Iterator[str]:
    """A table shaped like referentials.unit, in our own staging schema."""
    name = f"casa_staging.test_unit_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {name} (code text, valid_from date NOT NULL, valid_to date)")
        yield name
        conn.execute(f"DROP TABLE {name}")


def test_postgres_lookup_uses_validity_dates(url: str, unit_table: str) -> None:
    lookup = PostgresReferential(url, unit_table, referential=None)
    with pytest.raises(ReferentialNotLoaded, match="vide"):
        lookup.invalid({("06", dt.date(2024, 1, 1))})
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO {unit_table} VALUES ('06.141.01.01', '2009-01-01', NULL), "
                     "('06.141.01.09', '2009-01-01', '2015-01-01'), ('06.141.01.53', '2012-01-01', NULL)")
    # The history starts in 2009: a 2000 record is checked in the first version.
    asked = {("06.141.01.01", dt.date(2020, 1, 1)), ("06.141.01.01", dt.date(2000, 1, 1)),
             ("06.141.01.09", dt.date(2014, 12, 31)), ("06.141.01.09", dt.date(2015, 1, 1)),
             ("06.141.01.53", dt.date(2000, 1, 1)), ("06.141.01.53", dt.date(2011, 12, 31)),
             ("06.141.01.53", dt.date(2012, 1, 1)), ("99", dt.date(2020, 1, 1))}
    assert lookup.history_start() == dt.date(2009, 1, 1)
    assert lookup.invalid(asked) == {("06.141.01.09", dt.date(2015, 1, 1)), ("06.141.01.53", dt.date(2000, 1, 1)),
                                     ("06.141.01.53", dt.date(2011, 12, 31)), ("99", dt.date(2020, 1, 1))}


def test_postgres_lookup_says_when_referential_is_missing(url: str) -> None:
    lookup = PostgresReferential(url, f"casa_staging.absent_{uuid.uuid4().hex[:8]}")
    with pytest.raises(ReferentialNotLoaded, match="pas chargé"):
        lookup.invalid({("06", dt.date(2024, 1, 1))})


def test_postgres_lookup_accepts_only_territorial_codes(url: str) -> None:
    """referentials.unit holds every référentiel: a theme's code is no
    territorial code."""
    name = f"casa_staging.test_unit_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {name} (referential text, code text, valid_from date NOT NULL, valid_to date)")
        try:
            conn.execute(f"INSERT INTO {name} VALUES ('territorial_units', '06.141', '2009-01-01', NULL),"
                         " ('themes', 'mobilite', '2018-02-01', NULL)")
            lookup = PostgresReferential(url, name)
            asked = {("06.141", dt.date(2020, 1, 1)), ("mobilite", dt.date(2020, 1, 1))}
            assert lookup.invalid(asked) == {("mobilite", dt.date(2020, 1, 1))}
        finally:
            conn.execute(f"DROP TABLE {name}")
