"""build_downloads on a real public table: every file read back with its own
reader, the manifest checked against the files, the datapackage.json
validated by frictionless, and the build's atomicity and idempotence."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import openpyxl
import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from casa_pipelines.downloads.build import XLSX_MAX_ROWS, build_downloads
from casa_pipelines.downloads.manifest import DATAPACKAGE, read_manifest
from frictionless import Package
from psycopg import sql

from .conftest import ROWS, create_table, drop_table

COLUMNS = ["id", "nom", "note", "montant", "effectif", "date_ouverture", "actif", "geometry"]
DATA_FORMATS = ["csv", "xlsx", "json", "parquet", "geojson"]


@pytest.fixture()
def built(url, public_table, spec, tmp_path):
    out = tmp_path / "downloads" / spec.slug / "1"
    manifest = build_downloads(url, public_table, spec, 1, out, geometry_column="geometry")
    return spec, out, manifest


def test_manifest_lists_every_file_with_its_size_and_sha256(built) -> None:
    spec, out, manifest = built
    assert manifest.slug == spec.slug and manifest.release == 1 and manifest.rows == len(ROWS)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{spec.slug}.{f}" for f in DATA_FORMATS] + [DATAPACKAGE])
    assert sorted(manifest.formats()) == sorted([*DATA_FORMATS, "datapackage"])
    for f in manifest.files:
        data = (out / f.name).read_bytes()
        assert f.bytes == len(data)
        assert f.sha256 == hashlib.sha256(data).hexdigest()
    assert manifest.get(f"{spec.slug}.csv").mediatype == "text/csv"
    assert manifest.get(f"{spec.slug}.geojson").mediatype == "application/geo+json"
    assert manifest.notes == ()
    assert read_manifest(out) == manifest
    # No scratch file, lock or work directory is visible next to the release.
    assert sorted(p.name for p in out.parent.iterdir() if not p.name.startswith(".")) == ["1"]


def test_read_manifest_of_a_foreign_or_broken_directory_is_none(tmp_path) -> None:
    assert read_manifest(tmp_path / "absent") is None
    for content in ("{", "[]", '{"resources": [{"path": "x.csv"}]}', '{"resources": 3}'):
        (tmp_path / DATAPACKAGE).write_text(content)
        assert read_manifest(tmp_path) is None, content


def test_csv_neutralises_text_formulas_but_not_numbers(built) -> None:
    spec, out, _ = built
    with (out / f"{spec.slug}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == COLUMNS  # _id and _full_text left out
    by_id = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]}
    assert len(by_id) == len(ROWS)
    first = by_id["EQ-1"]
    assert first["note"] == "'=1+1"
    assert first["montant"] == "-12.5" and first["effectif"] == "-3"  # numbers stay numbers
    assert first["date_ouverture"] == "2019-09-16" and first["actif"] == "true"
    assert first["geometry"] == "POINT(-7.6 33.59)"
    assert by_id["EQ-2"]["nom"] == "مدرسة ابن بطوطة"
    assert by_id["EQ-2"]["note"] == "'@SUM(A1:A2)"
    assert by_id["EQ-2"]["date_ouverture"] == ""  # NULL
    assert by_id["EQ-3"]["note"] == "'-x" and by_id["EQ-3"]["nom"] == "Parc -x"
    assert by_id["EQ-3"]["montant"] == "" and by_id["EQ-3"]["geometry"] == ""
    assert by_id["EQ-4"]["nom"] == "'\tTabulé" and by_id["EQ-4"]["note"] == "'+33 5 22"
    assert float(by_id["EQ-5"]["montant"]) == -0.0001
    assert by_id["EQ-6"]["nom"] == "Ligne\navec retour" and by_id["EQ-6"]["note"] == "'\rcr"
    # No text cell starts with a formula character any more.
    for row in rows[1:]:
        for name, cell in zip(COLUMNS, row, strict=True):
            if name in ("id", "nom", "note", "geometry"):
                assert not cell[:1] in ("=", "+", "-", "@", "\t", "\r"), (name, cell)


def test_xlsx_keeps_text_as_text_and_numbers_and_dates_typed(built) -> None:
    spec, out, _ = built
    book = openpyxl.load_workbook(out / f"{spec.slug}.xlsx", read_only=True)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    by_id = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]}
    assert by_id["EQ-1"]["note"] == "=1+1"  # a string cell, not a formula
    assert by_id["EQ-1"]["montant"] == -12.5 and by_id["EQ-1"]["effectif"] == -3
    assert by_id["EQ-1"]["date_ouverture"] == dt.datetime(2019, 9, 16)
    assert by_id["EQ-1"]["actif"] is True
    assert by_id["EQ-2"]["nom"] == "مدرسة ابن بطوطة" and by_id["EQ-2"]["date_ouverture"] is None
    assert by_id["EQ-3"]["montant"] is None and by_id["EQ-3"]["note"] == "-x"
    book.close()
    # No cell of the sheet is a formula.
    formulas = openpyxl.load_workbook(out / f"{spec.slug}.xlsx")
    assert all(c.data_type != "f" for row in formulas.worksheets[0].iter_rows() for c in row)


def test_json_is_an_array_of_typed_objects(built) -> None:
    spec, out, _ = built
    data = json.loads((out / f"{spec.slug}.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in data] == [r[0] for r in ROWS]
    assert data[0] == {"id": "EQ-1", "nom": "École Ibn Battouta", "note": "=1+1", "montant": -12.5,
                       "effectif": -3, "date_ouverture": "2019-09-16", "actif": True,
                       "geometry": "POINT(-7.6 33.59)"}
    assert data[2]["montant"] is None and data[2]["geometry"] is None
    assert data[3]["nom"] == "\tTabulé"
    assert data[5]["nom"] == "Ligne\navec retour" and data[5]["note"] == "\rcr"


def test_geojson_features_carry_the_points(built) -> None:
    spec, out, _ = built
    data = json.loads((out / f"{spec.slug}.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == len(ROWS)
    first = data["features"][0]
    assert first["type"] == "Feature"
    assert first["geometry"] == {"type": "Point", "coordinates": [-7.6, 33.59]}
    assert first["properties"]["nom"] == "École Ibn Battouta" and "geometry" not in first["properties"]
    assert data["features"][1]["properties"]["nom"] == "مدرسة ابن بطوطة"
    assert data["features"][2]["geometry"] is None


def test_parquet_is_typed(built) -> None:
    spec, out, _ = built
    table = pq.read_table(out / f"{spec.slug}.parquet")
    assert table.schema.names == COLUMNS
    types = dict(zip(table.schema.names, table.schema.types, strict=True))
    assert types["effectif"] == pa.int64() and types["montant"] == pa.float64()
    assert types["date_ouverture"] == pa.date32() and types["actif"] == pa.bool_()
    rows = table.to_pylist()
    assert rows[0]["note"] == "=1+1" and rows[0]["montant"] == -12.5 and rows[0]["effectif"] == -3
    assert rows[0]["date_ouverture"] == dt.date(2019, 9, 16)
    assert rows[1]["nom"] == "مدرسة ابن بطوطة" and rows[1]["date_ouverture"] is None
    assert rows[2]["actif"] is None and rows[4]["nom"] == ""


def test_datapackage_is_a_valid_frictionless_package(built) -> None:
    spec, out, manifest = built
    descriptor = json.loads((out / DATAPACKAGE).read_text(encoding="utf-8"))
    assert list(Package.metadata_validate(descriptor)) == []
    assert descriptor["name"] == spec.slug and descriptor["version"] == "1"
    assert descriptor["title"] == "Équipements de test"
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["sources"] == [{"title": "Haut-Commissariat au Plan (HCP), données modifiées"}]
    assert descriptor["casa"]["title"]["ar"] == "مرافق للاختبار"
    resources = {r["format"]: r for r in descriptor["resources"]}
    assert sorted(resources) == sorted(DATA_FORMATS)
    for resource in resources.values():
        entry = manifest.get(resource["path"])
        assert resource["hash"] == f"sha256:{entry.sha256}" and resource["bytes"] == entry.bytes
    schema = resources["csv"]["schema"]
    assert [f["name"] for f in schema["fields"]] == COLUMNS
    assert schema["primaryKey"] == ["id"]
    by_name = {f["name"]: f for f in schema["fields"]}
    assert by_name["effectif"]["type"] == "integer"
    assert "required" not in by_name["effectif"].get("constraints", {})  # redacted column
    assert "schema" not in resources["geojson"]

    for fmt in ("xlsx", "json", "parquet"):  # the same table in other encodings: checked as files
        assert resources[fmt]["type"] == "file" and "schema" not in resources[fmt]

    package = Package(out / DATAPACKAGE)
    for resource in package.resources:
        report = resource.validate()
        assert report.valid, (resource.name, report.flatten(["type", "note"]))


def test_frictionless_validate_command_accepts_the_datapackage(built) -> None:
    """The command reusers run, on the file as downloaded: it exited 1 with
    "byte-count ... actual None" on the JSON, Parquet and XLSX resources."""
    _, out, _ = built
    command = Path(sys.executable).with_name("frictionless")
    done = subprocess.run([str(command), "validate", "--json", DATAPACKAGE], cwd=out,
                          capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(done.stdout)
    assert done.returncode == 0, [t["errors"] for t in report["tasks"] if not t["valid"]]
    assert report["valid"] and len(report["tasks"]) == len(DATA_FORMATS)
    assert sorted(t["type"] for t in report["tasks"]) == ["file", "file", "file", "json", "table"]


def test_frictionless_notices_a_wrong_hash(built) -> None:
    spec, out, _ = built
    descriptor = json.loads((out / DATAPACKAGE).read_text(encoding="utf-8"))
    descriptor["resources"][0]["hash"] = "sha256:" + "0" * 64
    package = Package(descriptor, basepath=str(out))
    report = package.get_resource(f"{spec.slug}-csv").validate()
    assert [e.type for e in report.tasks[0].errors] == ["hash-count"]


def test_frictionless_notices_a_wrong_size_of_a_file_resource(built) -> None:
    spec, out, _ = built
    descriptor = json.loads((out / DATAPACKAGE).read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["format"] == "parquet":
            resource["bytes"] += 1
    report = Package(descriptor, basepath=str(out)).get_resource(f"{spec.slug}-parquet").validate()
    assert [e.type for e in report.tasks[0].errors] == ["byte-count"]


def test_a_complete_release_is_never_rebuilt(url, built) -> None:
    spec, out, manifest = built
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    # Even from another table: releases are immutable.
    other = create_table(url, f"t_{uuid.uuid4().hex[:8]}", rows=10)
    try:
        again = build_downloads(url, other, spec, 1, out, geometry_column="geometry")
    finally:
        drop_table(url, other)
    assert again == manifest
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps


def test_two_builds_at_once_build_once(url, public_table, spec, tmp_path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    out = tmp_path / spec.slug / "6"
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(
            lambda _: build_downloads(url, public_table, spec, 6, out, geometry_column="geometry"), range(2))
    assert first == second
    assert not list(out.parent.glob(".6.tmp-*"))
    assert json.loads((out / DATAPACKAGE).read_text())["version"] == "6"


def test_without_a_geometry_column_there_is_no_geojson_and_an_empty_table_is_fine(url, spec, tmp_path) -> None:
    table = create_table(url, f"t_{uuid.uuid4().hex[:8]}", rows=0)
    try:
        out = tmp_path / spec.slug / "3"
        manifest = build_downloads(url, table, spec, 3, out)
    finally:
        drop_table(url, table)
    assert "geojson" not in manifest.formats() and manifest.rows == 0
    assert json.loads((out / f"{spec.slug}.json").read_text()) == []
    assert pq.read_table(out / f"{spec.slug}.parquet").num_rows == 0
    with (out / f"{spec.slug}.csv").open(newline="") as handle:
        assert list(csv.reader(handle)) == [COLUMNS]
    assert json.loads((out / DATAPACKAGE).read_text())["version"] == "3"


def test_an_internal_geometry_column_is_called_geometry_in_the_files(url, spec, tmp_path) -> None:
    table = create_table(url, f"t_{uuid.uuid4().hex[:8]}", rows=3, geometry="_geom")
    try:
        out = tmp_path / spec.slug / "4"
        build_downloads(url, table, spec, 4, out, geometry_column="_geom")
    finally:
        drop_table(url, table)
    assert pq.read_table(out / f"{spec.slug}.parquet").schema.names == COLUMNS
    features = json.loads((out / f"{spec.slug}.geojson").read_text())["features"]
    assert features[0]["geometry"]["type"] == "Point" and "_geom" not in features[0]["properties"]
    assert "POINT(" in json.loads((out / f"{spec.slug}.json").read_text())[0]["geometry"]


CRASH_SCRIPT = """
import sys
from pathlib import Path
from casa_pipelines.downloads.build import build_downloads
from casa_pipelines.spec import load_spec
url, schema, table, spec_path, root, out = sys.argv[1:]
spec = load_spec(Path(spec_path), root=Path(root))
build_downloads(url, (schema, table), spec, 2, Path(out), geometry_column="geometry")
"""


def test_a_build_killed_half_way_leaves_nothing_visible(url, spec, tmp_path) -> None:
    table = create_table(url, f"t_{uuid.uuid4().hex[:8]}", rows=50_000)
    out = tmp_path / "downloads" / spec.slug / "2"
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", CRASH_SCRIPT, url, *table, str(spec.path), str(spec.path.parent.parent),
             str(out)], env={**os.environ})
        deadline = time.monotonic() + 120
        work: list[Path] = []
        while time.monotonic() < deadline and proc.poll() is None:
            if out.parent.exists():
                work = [p for p in out.parent.glob(".2.tmp-*") if any(p.iterdir())]
                if work:
                    break
            time.sleep(0.01)
        assert work and proc.poll() is None, "the build ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # The killed build left its hidden work directory, and no release.
        assert not out.exists()
        assert [p.name for p in out.parent.iterdir() if not p.name.startswith(".")] == []
        assert read_manifest(out) is None
        # The next build succeeds and clears what the killed one left.
        manifest = build_downloads(url, table, spec, 2, out, geometry_column="geometry")
    finally:
        drop_table(url, table)
    assert manifest.rows == 50_000
    assert not list(out.parent.glob(".2.tmp-*"))
    assert pq.read_table(out / f"{spec.slug}.parquet").num_rows == 50_000


def test_over_a_sheet_s_rows_there_is_no_xlsx_but_a_note(url, spec, tmp_path) -> None:
    """1,048,576 data rows (one more than a sheet holds under its header): a
    narrow table keeps this real build short."""
    rows = XLSX_MAX_ROWS + 1
    table = ("casa_dl_test", f"t_{uuid.uuid4().hex[:8]}")
    with psycopg.connect(url) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS casa_dl_test")
        conn.execute(sql.SQL("CREATE TABLE {} AS SELECT g AS _id, g::integer AS effectif "
                             "FROM generate_series(1, %s) g").format(sql.Identifier(*table)), (rows,))
    try:
        out = tmp_path / spec.slug / "5"
        manifest = build_downloads(url, table, spec, 5, out)
    finally:
        drop_table(url, table)
    assert manifest.rows == rows
    assert sorted(manifest.formats()) == ["csv", "datapackage", "json", "parquet"]
    assert not (out / f"{spec.slug}.xlsx").exists()
    assert [n.code for n in manifest.notes] == ["xlsx-too-many-rows"]
    assert "1048576" in manifest.notes[0].fr and manifest.notes[0].ar and manifest.notes[0].en
    assert pq.read_metadata(out / f"{spec.slug}.parquet").num_rows == rows
    assert read_manifest(out) == manifest


def test_json_and_geojson_keep_every_row_in_id_order_across_ranges_and_gaps(url, spec, tmp_path) -> None:
    """JSON is rendered a range of ids at a time: ids far apart (a filtered
    public subset keeps its staged positions) still give every row, once,
    in id order; a table without ``_id`` is rendered row by row."""
    spaced = ("casa_dl_test", f"t_{uuid.uuid4().hex[:8]}")
    plain = ("casa_dl_test", f"t_{uuid.uuid4().hex[:8]}")
    with psycopg.connect(url) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS casa_dl_test")
        # Ids 7 .. 140,000, about 17 ranges: most with gaps, a few empty (no id from 35,007 to 55,993).
        conn.execute(sql.SQL("CREATE TABLE {} AS SELECT g * 7 AS _id, (20001 - g)::integer AS effectif, "
                             "ST_SetSRID(ST_MakePoint(-7.6, 33.5 + g / 1e6), 4326) AS _geom "
                             "FROM generate_series(1, 20000) g "
                             "WHERE (g % 1000 NOT BETWEEN 1 AND 500 AND g NOT BETWEEN 5000 AND 8000) OR g > 19000 "
                             "ORDER BY random()").format(sql.Identifier(*spaced)))
        conn.execute(sql.SQL("CREATE TABLE {} AS SELECT g::integer AS effectif FROM generate_series(1, 50) g").format(
            sql.Identifier(*plain)))
        expected = [r[0] for r in conn.execute(sql.SQL("SELECT effectif FROM {} ORDER BY _id").format(
            sql.Identifier(*spaced)))]
    try:
        build_downloads(url, spaced, spec, 6, tmp_path / "spaced", geometry_column="_geom")
        build_downloads(url, plain, spec, 7, tmp_path / "plain")
    finally:
        drop_table(url, spaced)
        drop_table(url, plain)
    assert 5000 < len(expected) < 20000
    data = json.loads((tmp_path / "spaced" / f"{spec.slug}.json").read_text(encoding="utf-8"))
    assert [r["effectif"] for r in data] == expected
    features = json.loads((tmp_path / "spaced" / f"{spec.slug}.geojson").read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["effectif"] for f in features] == expected
    assert all(f["geometry"]["type"] == "Point" for f in features)
    data = json.loads((tmp_path / "plain" / f"{spec.slug}.json").read_text(encoding="utf-8"))
    assert [r["effectif"] for r in data] == list(range(1, 51))


def test_a_failed_tabular_file_stops_the_json_rendering_and_says_why(url, spec, tmp_path, monkeypatch) -> None:
    """The tabular files and the JSON ones are written at the same time: when
    the first fail, the second stop at their next range of ids, and the
    error raised is the first one, not the rendering's."""
    from casa_pipelines.downloads import build as downloads
    from casa_pipelines.downloads import json_files as downloads_json

    started = []

    def broken(*args, **kwargs):
        started.append(time.monotonic())
        raise OSError("disque plein")

    monkeypatch.setattr(downloads, "tabular_files", broken)
    monkeypatch.setattr(downloads_json, "RANGE", 1)  # 50,000 ranges: the rendering is still going
    table = create_table(url, f"t_{uuid.uuid4().hex[:8]}", rows=50_000)
    out = tmp_path / spec.slug / "8"
    try:
        with pytest.raises(OSError, match="disque plein"):
            build_downloads(url, table, spec, 8, out, geometry_column="geometry")
        took = time.monotonic() - started[0]
    finally:
        drop_table(url, table)
    assert not out.exists() and read_manifest(out) is None
    assert took < 5, f"the JSON rendering went on for {took:.1f} s after the failure"
