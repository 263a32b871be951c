"""Geometry checks for GeoJSON sources: structure, self-intersecting rings,
projected (metre) coordinates and swapped latitude/longitude.

Coordinates must be WGS 84 longitude, latitude inside Morocco's extent;
a point that falls inside only once its two numbers are swapped was
written latitude first.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

from casa_pipelines.extract.table import Table
from casa_pipelines.validate.issue import Issue

MOROCCO = (-17.5, 20.5, -0.9, 36.1)  # lon min, lat min, lon max, lat max (Sahara included)
MAX_SEGMENTS = 5000  # pairwise intersection tests beyond this are left to PostGIS at publication


def _issue(row: int, kind: str, value: str, fr: str, en: str) -> Issue:
    return Issue(kind, row, None, "geometry", value[:80], kind, "geometry", fr, en)


def _positions(coords: Any) -> Iterator[Any]:
    if isinstance(coords, list) and coords and not isinstance(coords[0], list):
        yield coords
    elif isinstance(coords, list):
        for item in coords:
            yield from _positions(item)


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
    positions = list(_positions(geom.get("coordinates")))
    if not positions or not all(len(p) >= 2 and all(isinstance(c, (int, float)) for c in p[:2]) for p in positions):
        return [_issue(row, "geometry-invalid", text, "Coordonnées manquantes ou non numériques.",
                       "Missing or non-numeric coordinates.")]
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
    for ring in _rings(geom):
        if len(ring) < 4 or ring[0][:2] != ring[-1][:2]:
            return [_issue(row, "geometry-invalid", text, "Polygone invalide : anneau non fermé ou de moins de 4 points.",
                           "Invalid polygon: ring not closed or with fewer than 4 positions.")]
        if _self_intersects(ring):
            return [_issue(row, "geometry-invalid", text,
                           "Polygone invalide : ses côtés se croisent (nœud papillon) ; corrigez le tracé.",
                           "Invalid polygon: its edges cross (bow-tie); fix the outline.")]
    return []


def geometry_issues(table: Table) -> list[Issue]:
    if table.geometries is None:
        return []
    out: list[Issue] = []
    for row, text in zip(table.row_numbers, table.geometries):
        out += check_geometry(row, text)
    return out
