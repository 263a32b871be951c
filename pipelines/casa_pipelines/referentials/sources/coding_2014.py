"""The 2014 coding, rebuilt from the 2024 tables and HCP's 2014-2024
crosswalk, and the lineage (renumberings, splits, merges) between the two."""

from __future__ import annotations

from collections import Counter, defaultdict

from casa_pipelines.referentials.extract import EventKind, Lineage, Quirk
from casa_pipelines.referentials.sources.hcp_tables import Row, table, to_int, unit


def census_2014() -> dict[str, int | None]:
    """Legal population of 2014 by unit, from HCP's 2014 indicators (total area, both sexes)."""
    out: dict[str, int | None] = {}
    for r in table("indicators2014/people.csv.gz"):
        if r["code"] and r["area"] == "total" and r["sex"] == "all":
            out[r["code"]] = to_int(r["population_legal"])
    return out


def cercle_moves(crosswalk: list, communes: list) -> dict[str, Counter]:
    """2014 cercle code -> 2024 cercles its communes are in, with counts."""
    to_2014 = {x["code_2024"]: x["code_2014"] for x in crosswalk}
    moves: dict[str, Counter] = defaultdict(Counter)
    for c in communes:
        if c["cercle_code"]:
            moves[to_2014.get(c["code"], c["code"])[:9]][c["cercle_code"]] += 1
    return moves


def lineage_2014_2024(crosswalk: list, communes: list) -> list[Lineage]:
    lineage = [
        Lineage(
            "renumbered",
            x["code_2014"],
            x["code_2024"],
            f"method={x['method']}; name_2014={x['name_2014']}",
        )
        for x in crosswalk
    ]
    moves = cercle_moves(crosswalk, communes)
    received = Counter(t for targets in moves.values() for t in targets)
    for old, targets in sorted(moves.items()):
        if len(targets) > 1:
            lineage += [
                Lineage("split", old, t, f"{n} communes")
                for t, n in sorted(targets.items())
                if t != old
            ]
        else:
            (target,) = targets
            if target != old:
                kind: EventKind = "merged" if received[target] > 1 else "renumbered"
                lineage.append(
                    Lineage(kind, old, target, f"{targets[target]} communes")
                )
    return lineage


def to_2014(
    rows: list[Row], crosswalk: list, communes: list
) -> tuple[list[Row], list[Quirk]]:
    """The 2014 coding: renumbered communes get their 2014 code and names, rural
    communes their 2014 cercle; populations come from the 2014 census."""
    by_2024 = {x["code_2024"]: x for x in crosswalk}
    census = census_2014()
    pop_2014 = {c["code"]: to_int(c["population_2014"]) for c in communes}
    names_2024 = {
        r["code"]: (r["name_fr"], r["name_ar"]) for r in rows if r["level"] == "cercle"
    }
    out: list[Row] = []
    mismatched, absent = [], []
    for r in rows:
        if r["level"] == "cercle":
            continue  # rebuilt below from the 2014 commune codes
        r = dict(r, households=None, name_source="hcp_other_census")
        if r["level"] == "commune":
            x = by_2024.get(r["code"])
            if x:
                r.update(
                    code=x["code_2014"],
                    name_fr=x["name_2014"],
                    name_ar=x["name_ar_2014"],
                    name_source="hcp",
                )
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
    moves = cercle_moves(crosswalk, communes)
    unknown = []
    for old in sorted(moves):
        fr, ar = names_2024.get(old, (None, None))
        province = old[:6]
        cercle = unit(
            old,
            "cercle",
            fr,
            ar,
            province,
            cercle_code=old,
            name_source="hcp_other_census" if fr else "unknown",
            population=sum(
                r["population"] or 0
                for r in out
                if r.get("cercle_code") == old and r["level"] == "commune"
            ),
        )
        if not fr:
            unknown.append(old)
        out.append(cercle)
    quirks = [
        Quirk(
            "names_2014_missing",
            "La source ne donne les noms de 2014 que pour les 207 communes renumérotées.",
            (),
            "Les autres unités de la version 2014 portent les noms de 2024 (name_source = hcp_other_census).",
        ),
        Quirk(
            "cercles_2014_not_listed",
            "La source ne contient pas de liste des cercles de 2014 : ils sont reconstitués à partir des "
            f"codes 2014 des communes ({len(moves)} cercles). {len(unknown)} n'existent plus en 2024 et "
            "n'ont de nom nulle part : " + ", ".join(unknown) + ".",
            tuple(unknown),
            "Cercles publiés sans nom (name_source = unknown) ; population = somme de leurs communes, "
            "puisque le recensement 2014 du paquet est indexé par les codes 2024.",
        ),
    ]
    if absent:
        quirks.append(
            Quirk(
                "commune_absent_2014",
                f"{len(absent)} communes n'ont pas de population 2014 (0 dans les indicateurs 2014) : "
                + ", ".join(absent)
                + ".",
                tuple(absent),
                "Absentes de la version 2014 ; elles apparaissent comme créées dans la version 2024.",
            )
        )
    if mismatched:
        quirks.append(
            Quirk(
                "population_2014_mismatch",
                "population_2014 de la table des communes différente de la population légale des "
                "indicateurs 2014 : " + ", ".join(mismatched),
                tuple(m.split()[0] for m in mismatched),
                "La valeur de la table des communes est gardée ; écart signalé.",
            )
        )
    return out, quirks
