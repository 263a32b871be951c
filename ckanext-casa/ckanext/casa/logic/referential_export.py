"""Downloads of a référentiel version (CSV, JSON, GeoJSON), built from the
stored rows as they were in that version, so that a link cites one release."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from ckanext.casa.logic.referential_db import SCHEMA, connect, rows

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
}
BASE = ["code", "level", "name_fr", "name_ar", "name_en", "parent_code", "population"]


def version_rows(
    name: str, label: str, with_geometry: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    geometry = ", ST_AsGeoJSON(geom, 6) AS geometry" if with_geometry else ""
    with connect() as conn:
        found = rows(
            conn,
            f"SELECT label, valid_from, sha256 FROM {SCHEMA}.version WHERE referential = :n "
            "AND label = :l",
            n=name,
            l=label,
        )
        if not found:
            return None
        version = found[0]
        units = rows(
            conn,
            f"SELECT code, level, name_fr, name_ar, name_en, parent_code, population, attributes"
            f"{geometry} FROM {SCHEMA}.unit WHERE referential = :n AND valid_from <= :d "
            "AND (valid_to IS NULL OR valid_to > :d) ORDER BY code",
            n=name,
            d=version["valid_from"],
        )
    return version, units


def flat(unit: dict[str, Any]) -> dict[str, Any]:
    out = {k: unit.get(k) for k in BASE}
    out.update(unit.get("attributes") or {})
    return out


def render(fmt: str, units: list[dict[str, Any]]) -> Iterator[str]:
    if fmt == "csv":
        records = [flat(u) for u in units]
        columns = BASE + sorted({k for f in records for k in f} - set(BASE))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        yield buffer.getvalue()
        for row in records:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(row)
            yield buffer.getvalue()
    elif fmt == "json":
        yield json.dumps([flat(u) for u in units], ensure_ascii=False)
    else:
        features = [
            {
                "type": "Feature",
                "id": u["code"],
                "properties": flat(u),
                "geometry": json.loads(u["geometry"]) if u.get("geometry") else None,
            }
            for u in units
        ]
        yield json.dumps(
            {"type": "FeatureCollection", "features": features}, ensure_ascii=False
        )
