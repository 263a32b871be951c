"""Geometry checks for GeoJSON sources: structure, self-intersecting rings,
projected (metre) coordinates and swapped latitude/longitude.

Coordinates must be WGS 84 longitude, latitude inside Morocco's extent;
a point that falls inside only once its two numbers are swapped was
written latitude first.
"""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

from casa_pipelines.extract.table import Table
from casa_pipelines.validate.issue import Issue

MOROCCO = (-17.5, 20.5, -0.9, 36.1)  # lon min, lat min, lon max, lat max (Sahara included)
MAX_SEGMENTS = 5000  # pairwise intersection tests beyond this are left to PostGIS at publication
# How deep each GeoJSON geometry type nests its coordinates (RFC 7946, 3.1): a Point is one
# position, a LineString a list of them, and so on.
DEPTH = {"Point": 1, "MultiPoint": 2, "LineString": 2, "MultiLineString": 3, "Polygon": 3, "MultiPolygon": 4}
MAX_COLLECTION_DEPTH = 8  # GeometryCollections inside GeometryCollections (RFC 7946 advises none)
# No coordinate system has a coordinate beyond the Earth's half circumference in metres
# (about 2.0e7): past it a value is neither degrees nor metres, but a broken value.
MAX_ABS_COORDINATE = 2.1e7


def _issue(row: int, kind: str, value: str, fr: str, en: str) -> Issue:
    return Issue(kind, row, None, "geometry", value[:80], kind, "geometry", fr, en)


def _parts(geom: Any) -> list[dict[str, Any]] | str:
    """The simple geometries of ``geom`` (collections unfolded, without recursion), or
    what is wrong with its structure, as a message key."""
    out, stack = [], [(geom, 0)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, dict):
            return "structure"
        kind = item.get("type")
        if kind == "GeometryCollection":
            if depth >= MAX_COLLECTION_DEPTH or not isinstance(item.get("geometries"), list):
                return "collection"
            stack += [(g, depth + 1) for g in reversed(item["geometries"])]
        elif kind in DEPTH:
            out.append(item)
        else:
            return "type"
    return out


def _positions(geom: dict[str, Any]) -> list[Any] | None:
    """The positions of a simple geometry, None if its coordinates do not nest as its type says."""
    level = [geom.get("coordinates")]
    for _ in range(DEPTH[geom["type"]] - 1):
        if not all(isinstance(item, list) for item in level):
            return None
        level = [x for item in level for x in item]  # type: ignore[union-attr]  # lists, checked above
    return level


def _number(c: Any) -> bool:
    return isinstance(c, (int, float)) and not isinstance(c, bool)


def _rings(geom: dict[str, Any]) -> list[list[Any]]:
    if geom.get("type") == "Polygon":
        return list(geom.get("coordinates") or [])
    if geom.get("type") == "MultiPolygon":
        return [ring for poly in geom.get("coordinates") or [] for ring in poly]
    return []


def _cross(o: Any, a: Any, b: Any) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _segments_cross(p1: Any, p2: Any, q1: Any, q2: Any) -> bool:
    d1, d2 = _cross(q1, q2, p1), _cross(q1, q2, p2)
    d3, d4 = _cross(p1, p2, q1), _cross(p1, p2, q2)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4)


def _self_intersects(ring: list[Any]) -> bool:
    segs = list(itertools.pairwise(ring))
    if len(segs) > MAX_SEGMENTS:
        return False
    for i in range(len(segs)):
        for j in range(i + 2, len(segs)):
            if i == 0 and j == len(segs) - 1:
                continue  # first and last segments share the closing vertex
            if _segments_cross(*segs[i], *segs[j]):
                return True
    return False


def _inside(x: float, y: float) -> bool:
    return MOROCCO[0] <= x <= MOROCCO[2] and MOROCCO[1] <= y <= MOROCCO[3]


def check_geometry(row: int, text: str | None) -> list[Issue]:
    if text is None:
        return [_issue(row, "geometry-missing", "", "Entité sans géométrie : ajoutez-la ou retirez l'entité.",
                       "Feature without geometry: add it or remove the feature.")]
    geom = json.loads(text)
    parts = _parts(geom)
    if parts == "type":
        kind = next((g.get("type") for g in _walk(geom) if isinstance(g, dict)), None)
        return [_issue(row, "geometry-invalid", text,
                       f"Type de géométrie inconnu « {kind} » : types GeoJSON permis : {', '.join(DEPTH)}, "
                       "GeometryCollection.",
                       f"Unknown geometry type '{kind}': GeoJSON types are {', '.join(DEPTH)}, GeometryCollection.")]
    if isinstance(parts, str):
        return [_issue(row, "geometry-invalid", text,
                       "Géométrie mal formée : un objet avec « type » et « coordinates » (ou « geometries », "
                       f"imbriquées sur {MAX_COLLECTION_DEPTH} niveaux au plus) est attendu.",
                       "Malformed geometry: an object with 'type' and 'coordinates' (or 'geometries', nested "
                       f"{MAX_COLLECTION_DEPTH} levels at most) is expected.")]
    positions: list[Any] = []
    for part in parts:
        found = _positions(part)
        if found is None:
            return [_issue(row, "geometry-invalid", text,
                           f"Coordonnées mal imbriquées pour un {part['type']} : attendu {DEPTH[part['type']]} "
                           "niveau(x) de listes.",
                           f"Coordinates nested wrongly for a {part['type']}: {DEPTH[part['type']]} level(s) of "
                           "lists expected.")]
        positions += found
    if not positions or not all(isinstance(p, list) and 2 <= len(p) <= 3 and all(map(_number, p))
                                for p in positions):
        return [_issue(row, "geometry-invalid", text, "Coordonnées manquantes ou non numériques.",
                       "Missing or non-numeric coordinates.")]
    broken = next((p for p in positions if not all(math.isfinite(c) for c in p)), None)
    if broken is not None:
        return [_issue(row, "geometry-invalid", str(broken),
                       f"Coordonnée non finie ({broken[0]}, {broken[1]}) : NaN ou infini ne sont pas des "
                       "coordonnées ; corrigez le point.",
                       f"Non-finite coordinate ({broken[0]}, {broken[1]}): NaN or infinity is no coordinate; "
                       "fix the point.")]
    huge = next((p for p in positions if max(abs(p[0]), abs(p[1])) > MAX_ABS_COORDINATE), None)
    if huge is not None:
        return [_issue(row, "geometry-invalid", f"{huge[0]}, {huge[1]}",
                       f"Coordonnée aberrante ({huge[0]}, {huge[1]}) : au-delà de {MAX_ABS_COORDINATE:g}, ce ne "
                       "sont ni des degrés ni des mètres ; corrigez la valeur.",
                       f"Absurd coordinate ({huge[0]}, {huge[1]}): beyond {MAX_ABS_COORDINATE:g}, it is neither "
                       "degrees nor metres; fix the value.")]
    x, y = positions[0][0], positions[0][1]
    if any(abs(p[0]) > 180 or abs(p[1]) > 90 for p in positions):
        return [_issue(row, "geometry-projected", f"{x}, {y}",
                       f"Coordonnées projetées en mètres ({x}, {y}) : reprojetez en WGS 84 (EPSG:4326, degrés).",
                       f"Projected coordinates in metres ({x}, {y}): reproject to WGS 84 (EPSG:4326, degrees).")]
    outside = [p for p in positions if not _inside(p[0], p[1])]
    if outside:
        if all(_inside(p[1], p[0]) for p in outside):
            return [_issue(row, "geometry-swapped", f"{x}, {y}",
                           f"Latitude et longitude inversées ({x}, {y}) : GeoJSON attend longitude puis latitude.",
                           f"Latitude and longitude swapped ({x}, {y}): GeoJSON expects longitude then latitude.")]
        return [_issue(row, "geometry-outside", f"{outside[0][0]}, {outside[0][1]}",
                       "Coordonnées hors du Maroc : vérifiez le système de coordonnées.",
                       "Coordinates outside Morocco: check the coordinate system.")]
    for ring in (r for part in parts for r in _rings(part)):
        if len(ring) < 4 or ring[0][:2] != ring[-1][:2]:
            return [_issue(row, "geometry-invalid", text, "Polygone invalide : anneau non fermé ou de moins de 4 points.",
                           "Invalid polygon: ring not closed or with fewer than 4 positions.")]
        if _self_intersects(ring):
            return [_issue(row, "geometry-invalid", text,
                           "Polygone invalide : ses côtés se croisent (nœud papillon) ; corrigez le tracé.",
                           "Invalid polygon: its edges cross (bow-tie); fix the outline.")]
    return []


def _walk(geom: Any) -> list[Any]:
    """Every geometry object of ``geom``, collections unfolded (bounded as ``_parts``)."""
    out, stack = [], [(geom, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict) and item.get("type") == "GeometryCollection" and depth < MAX_COLLECTION_DEPTH \
                and isinstance(item.get("geometries"), list):
            stack += [(g, depth + 1) for g in reversed(item["geometries"])]
        elif isinstance(item, dict) and item.get("type") not in DEPTH:
            out.append(item)
    return out


def geometry_issues(table: Table) -> list[Issue]:
    if table.geometries is None:
        return []
    out: list[Issue] = []
    for row, text in zip(table.row_numbers, table.geometries):
        out += check_geometry(row, text)
    return out
