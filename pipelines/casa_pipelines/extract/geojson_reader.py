"""GeoJSON FeatureCollection -> Table: one row per feature, properties as
text columns and the geometry kept as GeoJSON text for the geometry checks."""

from __future__ import annotations

import json
import re
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


# The names RFC 7946 and the 2008 GeoJSON spec give WGS 84 longitude, latitude: OGC's CRS84
# and EPSG 4326 (in URN, URL or short form). Matched whole: a code is a number, not a
# substring ("EPSG:43260" or "EPSG:32629 (not 4326)" are other systems).
_WGS84 = re.compile(r"(?:urn:ogc:def:crs:(?:OGC:[\d.]*:CRS84|EPSG:[\d.]*:4326)"
                    r"|https?://www\.opengis\.net/def/crs/(?:OGC/[\d.]+/CRS84|EPSG/\d+/4326)"
                    r"|EPSG:4326|CRS:84|OGC:CRS84)", re.IGNORECASE)


def _refuse_crs(name: str, crs: object) -> SourceError:
    return SourceError(
        f"{name} : système de coordonnées « {crs} » ; le GeoJSON doit être en WGS 84 (EPSG:4326, "
        "longitude puis latitude) : reprojetez-le.",
        f"{name}: coordinate system '{crs}'; GeoJSON must be WGS 84 (EPSG:4326, longitude then "
        "latitude): reproject it.",
    )


def read_geojson(text: str, name: str, encoding: str) -> Table:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{name} : JSON invalide ligne {exc.lineno}, colonne {exc.colno} ({exc.msg}).",
                          f"{name}: invalid JSON on line {exc.lineno}, column {exc.colno} ({exc.msg}).") from None
    except RecursionError:
        # Python's parser recurses once per level: a file nested 100,000 deep stops it.
        raise SourceError(f"{name} : JSON imbriqué trop profondément (listes ou objets dans des listes ou objets, "
                          "des centaines de niveaux) ; aucune géométrie GeoJSON n'en a besoin : fichier refusé.",
                          f"{name}: JSON nested too deeply (lists or objects inside lists or objects, hundreds of "
                          "levels); no GeoJSON geometry needs that: file refused.") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise SourceError(f"{name} : un GeoJSON de type FeatureCollection est attendu.",
                          f"{name}: a GeoJSON FeatureCollection is expected.")
    if doc.get("crs") is not None:
        crs = doc["crs"]
        props = crs.get("properties") if isinstance(crs, dict) else None
        named = props.get("name") if isinstance(props, dict) else None
        if not isinstance(named, str) or not _WGS84.fullmatch(named.strip()):
            raise _refuse_crs(name, named if named is not None else json.dumps(crs, ensure_ascii=False)[:120])
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
