"""GeoJSON FeatureCollection -> Table: one row per feature, properties as
text columns and the geometry kept as GeoJSON text for the geometry checks."""

from __future__ import annotations

import json
from typing import Any

from casa_pipelines.errors import SourceError
from casa_pipelines.extract.table import Table


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def read_geojson(text: str, name: str, encoding: str) -> Table:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{name} : JSON invalide ligne {exc.lineno}, colonne {exc.colno} ({exc.msg}).",
                          f"{name}: invalid JSON on line {exc.lineno}, column {exc.colno} ({exc.msg}).") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise SourceError(f"{name} : un GeoJSON de type FeatureCollection est attendu.",
                          f"{name}: a GeoJSON FeatureCollection is expected.")
    crs = doc.get("crs", {}).get("properties", {}).get("name") if isinstance(doc.get("crs"), dict) else None
    if crs and not any(tag in str(crs) for tag in ("4326", "CRS84")):
        raise SourceError(
            f"{name} : système de coordonnées « {crs} » ; le GeoJSON doit être en WGS 84 (EPSG:4326, "
            "longitude puis latitude) : reprojetez-le.",
            f"{name}: coordinate system '{crs}'; GeoJSON must be WGS 84 (EPSG:4326, longitude then "
            "latitude): reproject it.",
        )
    columns: dict[str, None] = {}
    features = doc["features"]
    for i, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise SourceError(f"{name} : l'élément {i} de « features » n'est pas un Feature.",
                              f"{name}: item {i} of 'features' is not a Feature.")
        for key in feature.get("properties") or {}:
            columns.setdefault(key, None)
    header = list(columns)
    rows, geometries = [], []
    for feature in features:
        props = feature.get("properties") or {}
        rows.append([_text(props.get(key)) for key in header])
        geom = feature.get("geometry")
        geometries.append(json.dumps(geom) if geom is not None else None)
    return Table(name=name, header=header, rows_=rows, row_numbers_=list(range(2, len(rows) + 2)),
                 format="geojson", encoding=encoding, geometries=geometries)
