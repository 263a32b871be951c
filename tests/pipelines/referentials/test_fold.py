"""The published tables' search column folds text in SQL
(casa_staging.fold); queries are folded in Python (ckanext.casa.normalize).
Both must agree on the référentiel's real French and Arabic names."""

from __future__ import annotations

import psycopg
import sqlalchemy as sa
from casa_pipelines.releases.record import ensure_tables

from ckanext.casa.normalize import fold


def test_sql_fold_agrees_with_the_python_fold_on_real_names(loaded: dict, engine: sa.Engine, url: str) -> None:
    with psycopg.connect(url) as conn:
        ensure_tables(conn)
        names = [r[0] for r in conn.execute(
            "SELECT DISTINCT n FROM referentials.unit, LATERAL (VALUES (name_fr), (name_ar)) v(n) "
            "WHERE n IS NOT NULL").fetchall()]
        assert len(names) > 2000
        mismatches = conn.execute(
            "SELECT n, f FROM unnest(%s::text[], %s::text[]) AS t(n, f) WHERE NOT "
            "(to_tsvector('simple', casa_staging.fold(n)) @@ plainto_tsquery('simple', f))",
            (names, [fold(n) for n in names])).fetchall()
    assert mismatches == []
    # Spellings readers treat as equal meet in one form.
    with psycopg.connect(url) as conn:
        for a, b in (("Aïn-Sebaâ", "ain sebaa"), ("الدار البيضاء", "الدار البيضاء"), ("أنفا", "انفا"),
                     ("مقاطعة", "مقاطعه"), ("عين السبع", "عين السبـع")):
            assert conn.execute("SELECT to_tsvector('simple', casa_staging.fold(%s)) @@ "
                                "plainto_tsquery('simple', %s)", (a, fold(b))).fetchone() == (True,)


def test_arrow_fold_is_the_python_fold_on_real_names(loaded: dict, engine: sa.Engine, url: str) -> None:
    """Ingest folds whole columns with Arrow (search_text.py); queries are
    folded by ckanext.casa.normalize.fold: the same strings, name by name."""
    import pyarrow as pa
    from casa_pipelines.search_text import fold_array

    with psycopg.connect(url) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT DISTINCT n FROM referentials.unit, LATERAL (VALUES (name_fr), (name_ar)) v(n) "
            "WHERE n IS NOT NULL").fetchall()]
    names += ["Aïn-Sebaâ", "Ben M’Sick", "Œuvre", "عين السبـع", "مَقَاطَعَة", "إسلام\u200f", "l\u02bcOasis"]
    folded = fold_array(pa.array(names)).to_pylist()
    assert [(n, f) for n, f in zip(names, folded) if f != fold(n)] == []
