"""Checks of the HCP tables that find what is odd in them; each finding is
a ``Quirk`` for the load report, the rows are left as the source gives them."""

from __future__ import annotations

from collections import Counter

from casa_pipelines.referentials.extract import Quirk
from casa_pipelines.referentials.sources.hcp_tables import to_int


def declared_counts(
    regions: list, provinces: list, cercles: list, communes: list
) -> list[Quirk]:
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
            if to_int(r[column]) != counted.get(r["code"], 0):
                found.append(
                    f"{r['code']} {column}: déclaré {r[column]}, lignes {counted.get(r['code'], 0)}"
                )
    if not found:
        return []
    return [
        Quirk(
            "declared_count_mismatch",
            "Un effectif déclaré ne correspond pas aux lignes : "
            + " ; ".join(found)
            + ". La région 06 compte "
            "ses 9 provinces et préfectures, mais la table des provinces contient aussi les 8 préfectures "
            "d'arrondissements de Casablanca.",
            tuple(f.split()[0] for f in found),
            "Signalé ; les effectifs déclarés ne sont pas stockés, seules les lignes comptent.",
        )
    ]


def code_quirks(communes: list, arrondissements: list, provinces: list) -> list[Quirk]:
    quirks = []
    short = [c["code"] for c in communes if len(c["code"].split(".")[-1]) == 1]
    if short:
        quirks.append(
            Quirk(
                "short_commune_code",
                f"{len(short)} communes divisées en arrondissements ont un code à 1 chiffre final "
                "(RR.PPP.CC.N), et leur code_digits est complété à gauche (06.141.01.0 -> 006141010), "
                "ce qui le fait commencer par une région 00 inexistante.",
                tuple(short),
                "Le code pointé est la référence ; code_digits n'est pas repris. Le motif du code de "
                "commune admet N ou NN.",
            )
        )
    bad_digits = [
        c["code"]
        for c in (*communes, *arrondissements, *provinces)
        if c["code_digits"][:2] != c["code"][:2]
    ]
    if bad_digits and set(bad_digits) != set(short):
        quirks.append(
            Quirk(
                "code_digits_mismatch",
                "code_digits ne reprend pas la région du code.",
                tuple(sorted(set(bad_digits) - set(short))),
                "code_digits non repris.",
            )
        )
    commune_blocks = {c["code"][:9] for c in communes if len(c["code"]) == 12}
    shared = [a["code"] for a in arrondissements if a["code"][:9] in commune_blocks]
    if shared:
        quirks.append(
            Quirk(
                "level_not_in_code",
                f"{len(shared)} arrondissements ont des codes de même forme et du même bloc que des "
                "communes (01.511.01.05 arrondissement, 01.511.01.01 commune d'Assilah) : la forme du "
                "code ne dit pas le niveau.",
                tuple(shared),
                "Le niveau vient de la table source et est stocké dans la colonne level.",
            )
        )
    return quirks


def crosswalk_quirks(crosswalk: list) -> list[Quirk]:
    quirks = []
    guessed = [x for x in crosswalk if x["method"] != "exact_name_in_province"]
    if guessed:
        quirks.append(
            Quirk(
                "crosswalk_by_elimination",
                f"{len(guessed)} correspondances 2014 -> 2024 ne reposent pas sur le nom mais sur la "
                "seule commune restante de la province : "
                + ", ".join(
                    f"{x['code_2014']} {x['name_2014']} -> {x['code_2024']} {x['name_2024']}"
                    for x in guessed
                ),
                tuple(x["code_2024"] for x in guessed),
                "Conservées comme renumérotations, avec la méthode dans la note de l'événement.",
            )
        )
    odd = [x for x in crosswalk if not 0.5 <= float(x["population_ratio"] or 1) <= 2]
    if odd:
        quirks.append(
            Quirk(
                "crosswalk_population_jump",
                "Population 2024/2014 hors de [0,5 ; 2] pour une commune renumérotée : "
                + ", ".join(
                    f"{x['code_2024']} {x['name_2024']} x{x['population_ratio']}"
                    for x in odd
                ),
                tuple(x["code_2024"] for x in odd),
                "Signalé ; la correspondance est conservée (croissance périurbaine plausible).",
            )
        )
    return quirks


# Level -> (members' level, the member's field that names the unit): the sums
# that must equal a unit's published figure (as casa_unit_aggregate rolls up).
SUMS = {
    "region": ("commune", "region_code"),
    "province": ("commune", "province_code"),
    "prefecture": ("commune", "province_code"),
    "cercle": ("commune", "cercle_code"),
    "prefecture_arrondissements": ("arrondissement", "prefecture_arrondissements_code"),
    "commune": ("arrondissement", "parent_code"),
}


def sum_disagreements(rows: list[dict]) -> tuple[int, list[Quirk]]:
    """Every unit whose published population differs from the sum of its
    published members' (communes, or arrondissements): reported, never fixed.
    Returns the number of units checked and the quirk, if any."""
    totals: dict[tuple[str, str], int] = {}
    for r in rows:
        for level, (member, key) in SUMS.items():
            if r["level"] == member and r.get(key) and r.get("population") is not None:
                totals[(level, r[key])] = totals.get((level, r[key]), 0) + r["population"]
    checked, wrong = 0, []
    for r in rows:
        total = totals.get((r["level"], r["code"]))
        if total is None or r.get("population") is None:
            continue
        checked += 1
        if total != r["population"]:
            wrong.append(f"{r['code']} ({r['population']} publiés, {total} en somme)")
    if not wrong:
        return checked, []
    return checked, [
        Quirk(
            "published_sum_disagrees",
            f"{len(wrong)} unités sur {checked} ont une population publiée différente de la somme de "
            "celles de leurs membres : " + ", ".join(wrong),
            tuple(w.split()[0] for w in wrong),
            "Chiffres publiés gardés tels quels ; écart signalé.",
        )
    ]
