"""Publish, roll back, diff: on the real datastore database, with real
population figures (validation/population-2024), real référentiel names and
the real downloads builder. The catalogue step (CKAN) is covered by the CLI
tests in test_cli_publish.py."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from casa_pipelines.downloads.manifest import downloads_dir_for, read_manifest
from casa_pipelines.errors import PublishError, SpecError
from casa_pipelines.publish.gate import GateClosed
from casa_pipelines.publish.public_table import build_prefix
from casa_pipelines.publish.swap import (
    publish,
    publish_due,
    table_resource_id,
)
from casa_pipelines.releases.diff import diff_releases
from casa_pipelines.releases.ingest import ingest
from casa_pipelines.releases.record import waivers
from casa_pipelines.releases.stage import table_prefix
from casa_pipelines.spec import DatasetSpec, load_spec
from publish_helpers import EXAMPLES, REPO, edited, public_rows, statuses

from ckanext.casa.normalize import fold

SUITE_RULE = "suite:expect_column_pair_values_a_to_be_greater_than_b:population_legale,population_municipale"


def test_publish_builds_the_public_table_hidden_from_nobody(spec: DatasetSpec, url: str, downloads: Any) -> None:
    ingest(spec, EXAMPLES / "valid.csv", url)
    result = publish(spec, url, downloads=downloads)
    assert result.action == "published" and result.rows == 30
    table = table_resource_id(spec.slug)
    with psycopg.connect(url) as conn:
        columns = [r[0] for r in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 ORDER BY attnum",
            (f'public."{table}"',)).fetchall()]
        # Only the declared public columns, plus CKAN's _id and the search column.
        assert columns == ["_id", *spec.public.columns, "_full_text"]
        readable, = conn.execute("SELECT has_table_privilege('casa_ds_read', %s, 'SELECT')",
                                 (f'public."{table}"',)).fetchone()
        assert readable is True
        indexes = {r[0] for r in conn.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s",
                                              (table,)).fetchall()}
        assert any("gin (_full_text)" in i for i in indexes)
        assert any("UNIQUE INDEX" in i and "(code, milieu)" in i for i in indexes)
        # The key's text columns compare byte by byte; a lookup by key still uses its index.
        collations = dict(conn.execute(
            "SELECT a.attname, c.collname FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation "
            "WHERE a.attrelid = %s::regclass AND a.attname IN ('code', 'milieu', 'nom_fr')",
            (f'public."{table}"',)).fetchall())
        assert collations["code"] == collations["milieu"] == "C" and collations["nom_fr"] == "default"
        conn.execute("SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.execute(
            f'EXPLAIN SELECT * FROM public."{table}" WHERE code = %s AND milieu = %s', ("06", "total")))
        assert "Index Scan" in plan and "code" in plan, plan
        # Folded search: no accent, any case; the data dictionary from the Table Schema.
        hits = conn.execute(f'SELECT nom_fr FROM public."{table}" WHERE _full_text @@ '
                            "plainto_tsquery('simple', %s) AND milieu = 'total'", (fold("AÏN-Harrouda"),)).fetchall()
        assert hits == [("Ain Harrouda",)]
        comment, = conn.execute("SELECT col_description(%s::regclass, 2)", (f'public."{table}"',)).fetchone()
        assert '"label":"Code HCP' in comment
    assert public_rows(url, spec.slug)[0] == ("06", "rural", 2055219)
    assert statuses(url, spec.slug) == {1: "published"}
    manifest = read_manifest(downloads_dir_for(downloads.root, spec.slug, 1))
    assert manifest is not None and manifest.rows == 30
    assert {"csv", "xlsx", "json", "parquet", "datapackage"} <= set(manifest.formats())


def test_public_subset_filter_and_redaction(make_spec: Any, slug: str, url: str) -> None:
    spec = make_spec(slug, columns=["code", "niveau", "milieu", "population_legale"],
                       filter={"niveau": ["arrondissement"]},
                       redactions=[{"column": "population_legale", "below": 130000}])
    ingest(spec, EXAMPLES / "valid.csv", url)
    publish(spec, url)
    rows = public_rows(url, slug, "code, niveau, milieu, population_legale")
    assert rows and {r[1] for r in rows} == {"arrondissement"}
    # Counts under the threshold are suppressed, the others kept as they are.
    with psycopg.connect(url) as conn:
        staged = dict(conn.execute(
            f'SELECT code || milieu, population_legale FROM casa_staging."{table_prefix(slug)}__r1" '
            "WHERE niveau = 'arrondissement'").fetchall())
    for code, _, milieu, value in rows:
        original = staged[code + milieu]
        assert value == (None if original < 130000 else original)
    assert any(r[3] is None for r in rows) and any(r[3] is not None for r in rows)


def test_new_release_diff_and_rollback(spec: DatasetSpec, url: str, tmp_path: Path, downloads: Any) -> None:
    ingest(spec, EXAMPLES / "valid.csv", url)
    publish(spec, url, downloads=downloads)
    change = ("06.141,province,Casablanca,total,3218036", "06.141,province,Casablanca,total,3218100")
    second = edited(tmp_path, "v2.csv", change, drop_code="06.141.01.01")
    assert ingest(spec, second, url).release.number == 2
    publish(spec, url, downloads=downloads)
    assert statuses(url, spec.slug) == {1: "withdrawn", 2: "published"}
    assert ("06.141", "total", 3218100) in public_rows(url, spec.slug)

    with psycopg.connect(url) as conn:
        d = diff_releases(conn, spec.slug, 1, 2, ["code", "milieu"])
    assert (d.added, d.removed, d.changed) == (0, 2, 1)  # 06.141.01.01 has a total and an urban row
    assert d.unchanged == 27 and d.columns_changed == {"population_legale": 1}
    assert d.examples["changed"] == [["06.141", "total"]]

    result = publish(spec, url, number=1, rollback=True, downloads=downloads)
    assert result.action == "rolled-back"
    # Release 1's table was kept when 2 replaced it: no rebuild, the same
    # indexes, still readable by the public user, and 2's table kept in turn.
    assert "kept" in result.timings and "table" not in result.timings and result.rows == 30
    assert statuses(url, spec.slug) == {1: "published", 2: "withdrawn"}
    assert ("06.141", "total", 3218036) in public_rows(url, spec.slug)
    table = table_resource_id(spec.slug)
    with psycopg.connect(url) as conn:
        readable, = conn.execute("SELECT has_table_privilege('casa_ds_read', %s, 'SELECT')",
                                 (f'public."{table}"',)).fetchone()
        indexes = [r[0] for r in conn.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s",
                                              (table,)).fetchall()]
        comment, = conn.execute("SELECT obj_description(%s::regclass, 'pg_class')", (f'public."{table}"',)).fetchone()
        kept, = conn.execute("SELECT obj_description(to_regclass(%s), 'pg_class')",
                             (f'casa_staging."{table_prefix(spec.slug)}__kept"',)).fetchone()
    assert readable is True and any("gin (_full_text)" in i for i in indexes)
    assert comment.startswith(f"casa:{spec.slug}:1:") and kept.startswith(f"casa:{spec.slug}:2:")
    # Both releases keep their downloads, at their own paths.
    for n in (1, 2):
        assert read_manifest(downloads_dir_for(downloads.root, spec.slug, n)) is not None
    with pytest.raises(GateClosed, match="rollback"):
        publish(spec, url, number=2)  # back to 2 is a rollback, said so
    publish(spec, url, number=2, rollback=True)
    assert statuses(url, spec.slug) == {1: "withdrawn", 2: "published"}


def test_a_kept_table_is_rebuilt_when_the_public_section_changed(make_spec: Any, slug: str, url: str,
                                                                  tmp_path: Path) -> None:
    """The kept table serves a rollback only while the dataset's `public`
    declaration is the one it was built with; otherwise the release is
    built again, with the declared columns."""
    spec = make_spec(slug)
    ingest(spec, EXAMPLES / "valid.csv", url)
    publish(spec, url)
    ingest(spec, edited(tmp_path, "v2.csv", ("Casablanca,total,3218036", "Casablanca,total,3218009")), url)
    publish(spec, url)
    fewer = make_spec(slug, columns=["code", "milieu", "population_legale"])
    result = publish(fewer, url, number=1, rollback=True)
    assert "table" in result.timings and "kept" not in result.timings
    with psycopg.connect(url) as conn:
        columns = [r[0] for r in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 ORDER BY attnum",
            (f'public."{table_resource_id(slug)}"',)).fetchall()]
    assert columns == ["_id", "code", "milieu", "population_legale", "_full_text"]


def test_failed_release_needs_a_waiver_per_rule(spec: DatasetSpec, url: str) -> None:
    ingest(spec, EXAMPLES / "valid.csv", url)
    publish(spec, url)
    before = public_rows(url, spec.slug)
    failed = ingest(spec, EXAMPLES / "invalid-suite.csv", url).release
    assert failed.status == "failed"
    with pytest.raises(GateClosed, match="--waive") as refused:
        publish(spec, url)
    assert SUITE_RULE in str(refused.value)
    with pytest.raises(GateClosed, match="motif"):
        publish(spec, url, waive=[SUITE_RULE])
    with pytest.raises(GateClosed, match="n'a pas échoué"):
        publish(spec, url, waive=["suite:expect_column_values_to_be_between:menages"], reason="x")
    assert public_rows(url, spec.slug) == before  # nothing public changed
    with psycopg.connect(url) as conn:
        rules = conn.execute("SELECT report FROM casa_staging.release WHERE dataset = %s AND number = 2",
                             (spec.slug,)).fetchone()[0]
    from casa_pipelines.publish.gate import failed_rules

    every = list(failed_rules(rules))
    result = publish(spec, url, waive=every, reason="Écart connu entre population légale et municipale.")
    assert result.action == "published" and result.release.number == 2
    with psycopg.connect(url) as conn:
        assert set(waivers(conn, spec.slug, 2)) == set(every)


def test_embargo_schedules_then_publishes_when_due(spec: DatasetSpec, url: str) -> None:
    ingest(spec, EXAMPLES / "valid.csv", url)
    day = dt.date(2031, 1, 15)
    result = publish(spec, url, embargo=day, today=dt.date(2030, 12, 1))
    assert result.action == "scheduled" and result.release.embargo_until == day
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass(%s)", (f'public."{table_resource_id(spec.slug)}"',)
                            ).fetchone() == (None,)
    # Asked again before the date: still only scheduled.
    assert publish(spec, url, today=dt.date(2030, 12, 2)).action == "scheduled"
    assert statuses(url, spec.slug) == {1: "scheduled"}
    assert publish_due(url, {spec.slug: spec}, today=dt.date(2031, 1, 14)) == []
    done = publish_due(url, {spec.slug: spec}, today=day)
    assert [r.action for r in done] == ["published"]
    assert statuses(url, spec.slug) == {1: "published"}


def test_a_failed_build_changes_nothing_public(tmp_path: Path, make_spec: Any, slug: str, url: str) -> None:
    good = make_spec(slug)
    ingest(good, EXAMPLES / "valid.csv", url)
    publish(good, url)
    before = public_rows(url, slug)
    second = edited(tmp_path, "v2.csv", ("Casablanca,total,3218036", "Casablanca,total,3218001"))
    ingest(good, second, url)
    broken = make_spec(slug, columns=["code", "milieu", "no_such_column"])
    with pytest.raises(SpecError, match="no_such_column"):
        publish(broken, url)
    assert public_rows(url, slug) == before
    assert statuses(url, slug) == {1: "published", 2: "validated"}
    with psycopg.connect(url) as conn:
        leftovers = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE %s",
                                 (build_prefix(slug) + "%",)).fetchone()[0]
    assert leftovers == 0


def test_a_build_killed_half_way_is_cleaned_by_the_next_run(spec: DatasetSpec, url: str) -> None:
    ingest(spec, EXAMPLES / "valid.csv", url)
    other = build_prefix(spec.slug + "-other") + "deadbeef"
    with psycopg.connect(url, autocommit=True) as conn:
        # What a process killed during CREATE TABLE AS leaves (its transaction
        # rolls back, but one killed between the build's commit and the swap
        # leaves the table); and another dataset's build, which must survive.
        conn.execute(f'CREATE TABLE public."{build_prefix(spec.slug)}deadbeef" (x int)')
        conn.execute(f'CREATE TABLE public."{other}" (x int)')
    try:
        publish(spec, url)
        with psycopg.connect(url) as conn:
            names = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'casa_build_%'")}
        assert build_prefix(spec.slug) + "deadbeef" not in names and other in names
        assert statuses(url, spec.slug) == {1: "published"}
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP TABLE IF EXISTS public."{other}"')


def test_killed_after_the_swap_is_completed_by_the_next_run(spec: DatasetSpec, url: str, downloads: Any) -> None:
    ingest(spec, EXAMPLES / "valid.csv", url)

    def dies(*args: Any) -> None:
        raise KeyboardInterrupt  # as if the steward pressed Ctrl-C after the swap

    with pytest.raises(KeyboardInterrupt):
        publish(spec, url, downloads=dies)
    assert statuses(url, spec.slug) == {1: "published"}  # the swap had committed
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT downloads_built FROM casa_staging.publication WHERE dataset = %s",
                            (spec.slug,)).fetchone() == (False,)
    again = publish(spec, url, downloads=downloads)
    assert again.action == "completed" and again.steps == ["downloads"]
    assert publish(spec, url, downloads=downloads).steps == []


def test_one_publication_at_a_time(spec: DatasetSpec, url: str) -> None:
    ingest(spec, EXAMPLES / "valid.csv", url)
    with psycopg.connect(url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"casa-load:{spec.slug}",))
        with pytest.raises(PublishError, match="en cours"):
            publish(spec, url)
    assert statuses(url, spec.slug) == {1: "validated"}


def test_unknown_release_is_a_clear_error(spec: DatasetSpec, url: str) -> None:
    with pytest.raises(PublishError, match="aucune version"):
        publish(spec, url)
    ingest(spec, EXAMPLES / "valid.csv", url)
    with pytest.raises(PublishError, match="pas de version 7"):
        publish(spec, url, number=7)
    with pytest.raises(GateClosed, match="jamais été publiée"):
        publish(spec, url, number=1, rollback=True)


def test_geojson_source_publishes_geometry(tmp_path: Path, url: str, downloads: Any, throwaway_slug: Any,
                                           dataset_file: Any) -> None:
    """A steward's GeoJSON register: the public table gets a PostGIS
    geometry (hidden from the datastore's column list, indexed) and the
    release a GeoJSON download; the row filter drops `administration`."""
    slug = throwaway_slug(url, "test-geo")
    spec = load_spec(dataset_file(tmp_path, slug, base="equipements-publics"), root=REPO)
    source = REPO / "validation" / "equipements-publics" / "valid.geojson"
    release = ingest(spec, source, url, archive_dir=tmp_path / "releases").release
    with psycopg.connect(url, autocommit=True) as conn:  # emptied by a crash: restored with its geometries
        conn.execute(f'TRUNCATE casa_staging."{release.staged_table}"')
    result = publish(spec, url, downloads=downloads, archive_dir=tmp_path / "releases")
    table = table_resource_id(slug)
    with psycopg.connect(url) as conn:
        rows = conn.execute(f'SELECT id, categorie, GeometryType(_geom), ST_SRID(_geom), '
                            "CASE WHEN GeometryType(_geom) = 'POINT' THEN ST_X(_geom) END, "
                            "CASE WHEN GeometryType(_geom) = 'POINT' THEN ST_Y(_geom) END "
                            f'FROM public."{table}" ORDER BY id').fetchall()
        gist = conn.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s AND indexdef LIKE "
                            "'%%gist (_geom)%%'", (table,)).fetchone()[0]
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    kept = [f for f in features if f["properties"]["categorie"] in spec.public.filter["categorie"]]
    assert result.rows == len(kept) == len(rows) and gist == 1
    by_id = {f["properties"]["id"]: f["geometry"] for f in kept}
    for id_, _, kind, srid, x, y in rows:
        assert (kind, srid) == (by_id[id_]["type"].upper(), 4326)
        if kind == "POINT":
            assert (x, y) == pytest.approx(tuple(by_id[id_]["coordinates"]))
    manifest = read_manifest(downloads_dir_for(downloads.root, slug, 1))
    assert manifest is not None and "geojson" in manifest.formats()
