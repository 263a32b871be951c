"""casa_unit_search: territorial units by name, whatever the spelling, or by
code prefix.

Names are matched in SQL against ``referentials.unit_name`` (one row per
French, Arabic or English name of each unit state, with the two keys of
``referential_names``), through pg_trgm's GIN indexes: a name is a candidate
when its folded key is close to the query's (trigram similarity), contains
it as words (word similarity: "sidi", "ain sebaa"), or when the skeletons
are close or equal. Ranking, as France's API Géo does: exact matches first
(same folded key), then closeness (trigram similarity of the folded keys,
plus a bonus for the same skeleton, the skeletons' similarity and the word
similarity; weights tuned on the gold set), then population.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.casa.logic import referential_names, schema
from ckanext.casa.logic.referential_db import SCHEMA, TERRITORIAL, connect, rows
from ckanext.casa.logic.referential_lookup import (
    UNIT_COLUMNS,
    unit_dict,
    validate_input,
)
from ckanext.casa.logic.referential_messages import message
from ckanext.casa.normalize import fold

# Trigram thresholds, tuned on the gold set (make bench-referentials): below
# them a name is not a candidate at all.
SIMILARITY = 0.3
WORD_SIMILARITY = 0.6
# Weights of the closeness score, beside the folded keys' similarity (1):
# the same skeleton, the skeletons' similarity, and the query found as words
# of the name ("sidi" in "Sidi Ali" must outrank "Saidia", whose skeleton
# only is the same). Tuned on the gold set.
SAME_SKELETON, SKELETON, WORDS = 0.3, 0.3, 0.6
PARENT = (
    "u.code <> :parent AND (u.parent_code = :parent OR u.attributes->>'region_code' = :parent OR "
    "u.attributes->>'province_code' = :parent OR u.attributes->>'cercle_code' = :parent OR "
    "u.attributes->>'prefecture_arrondissements_code' = :parent)"
)
VALID_U = "u.valid_from <= :d AND (u.valid_to IS NULL OR u.valid_to > :d)"
UNIT_ALIASED = ", ".join("u." + c for c in UNIT_COLUMNS.split(", "))
# Candidates: each condition on its own so that each uses its GIN or btree
# index (an OR of them makes PostgreSQL read every name).
BY_NAME = f"""
WITH c AS (
  SELECT id FROM {SCHEMA}.unit_name WHERE folded % :f
  UNION SELECT id FROM {SCHEMA}.unit_name WHERE :f <% folded
  UNION SELECT id FROM {SCHEMA}.unit_name WHERE skeleton % :s
  UNION SELECT id FROM {SCHEMA}.unit_name WHERE skeleton = :s
), m AS MATERIALIZED (
  SELECT n.unit_id,
    max((n.folded = :f)::int) AS exact,
    max(similarity(n.folded, :f) + {SAME_SKELETON} * (n.skeleton = :s)::int
        + {SKELETON} * similarity(n.skeleton, :s)
        + {WORDS} * word_similarity(:f, n.folded)) AS close
  FROM {SCHEMA}.unit_name n JOIN c ON c.id = n.id
  GROUP BY n.unit_id
)
SELECT {UNIT_ALIASED}, m.exact, m.close, count(*) OVER () AS total
FROM m JOIN {SCHEMA}.unit u ON u.id = m.unit_id
WHERE u.referential = :r AND {VALID_U} {{filters}}
ORDER BY m.exact DESC, m.close DESC, u.population DESC NULLS LAST, u.code
LIMIT :limit
"""
BY_CODE = f"""
SELECT {UNIT_ALIASED}, count(*) OVER () AS total FROM {SCHEMA}.unit u
WHERE u.referential = :r AND {VALID_U}
  AND u.code LIKE :prefix {{filters}}
ORDER BY u.population DESC NULLS LAST, u.code LIMIT :limit
"""


def is_code(q: str) -> bool:
    return bool(schema.CODE.fullmatch(q.rstrip("."))) or q.replace(".", "").isdigit()


def search(conn: sa.Connection, q: str, day: str, level: str | None = None,
           parent: str | None = None, limit: int = 20) -> tuple[int, list[dict[str, Any]]]:
    """The units matching ``q`` on ``day``: (total, the first ``limit`` rows)."""
    params: dict[str, Any] = {"r": TERRITORIAL, "d": day, "limit": limit}
    filters = ""
    if level:
        filters += " AND u.level = :level"
        params["level"] = level
    if parent:
        filters += f" AND {PARENT}"
        params["parent"] = parent
    if is_code(q):
        params["prefix"] = q.replace("%", "").replace("_", "") + "%"
        sql = BY_CODE.format(filters=filters)
    else:
        folded, skeleton = referential_names.keys(q)
        if not folded:
            # Only articles ("El"): search the words as they are.
            folded = fold(q)
            skeleton = folded
        if not folded:
            raise tk.ValidationError({"q": [message("empty_query")]})
        params.update(f=folded, s=skeleton or folded)
        sql = BY_NAME.format(filters=filters)
        # The names table is small: the planner would read all of it and
        # compute every similarity (90 ms) rather than use the trigram
        # indexes (a few ms). Local to this transaction.
        conn.execute(sa.text(
            "SELECT set_config('pg_trgm.similarity_threshold', :a, true), "
            "set_config('pg_trgm.word_similarity_threshold', :b, true), "
            "set_config('enable_seqscan', 'off', true)"
        ), {"a": str(SIMILARITY), "b": str(WORD_SIMILARITY)})
    found = rows(conn, sql, **params)
    total = found[0]["total"] if found else 0
    for r in found:
        for key in ("total", "exact", "close"):
            r.pop(key, None)
    return total, found


@tk.side_effect_free
def casa_unit_search(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Territorial units by name, whatever the spelling (French, Arabic or
    English; accents, articles, Moroccan abbreviations such as "My" for
    Moulay, transliteration variants, Arabic letter variants, a typo), or by
    code prefix. Exact matches first, then the closest names, then the most
    populated units.

    :param q: a name, or the beginning of a code (``06.141``); at most 200 characters
    :type q: string
    :param level: only this level (region, province, prefecture, prefecture_arrondissements, cercle, commune, arrondissement)
    :type level: string
    :param parent: only units inside this unit (code)
    :type parent: string
    :param as_of: date ``YYYY-MM-DD`` (optional, default today)
    :type as_of: string
    :param limit: at most this many results (default 20, at most 100)
    :type limit: int
    :rtype: dictionary with ``count`` and ``results``
    """
    data = validate_input(context, data_dict, schema.unit_search(), "casa_unit_search")
    day = data.get("as_of") or dt.date.today().isoformat()
    q = data["q"].strip()
    with connect() as conn:
        total, found = search(
            conn, q, day, data.get("level"), data.get("parent"), int(data.get("limit") or 20)
        )
    return {"count": total, "as_of": day, "results": [unit_dict(r) for r in found]}
