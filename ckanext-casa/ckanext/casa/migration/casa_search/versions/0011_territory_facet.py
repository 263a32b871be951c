"""The territory covered (``spatial_coverage``, an HCP unit code) as a
counted facet, like organization and licence.

The search page facets datasets by the territorial unit they cover. Without
a column the facet was counted from the JSONB copy of every match: the
whole catalogue on the landing page. The code gets a typed column, and the
triggers of 0003 (maintained counts of the public set) and 0005 (facet ids,
hence the bitsets of 0009) now take it as one more single-valued field; the
functions are those of 0003 and 0005 with the field added.

Documents indexed before: the column is filled from their JSONB copy, and
the triggers count it as they would any write.

Revision ID: 0011_territory_facet
Revises: 0010_light_stemming
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_territory_facet"
down_revision = "0010_light_stemming"
branch_labels = None
depends_on = None

SINGLE = ("organization", "license_id", "spatial_coverage")
MULTIPLE = ("groups", "tags", "res_format")

# -- 0005: facet ids of a row -------------------------------------------------
def _pairs(single: tuple[str, ...]) -> str:
    """The (field, value) pairs of NEW; empty values are not facets."""
    selects = [f"SELECT '{single[0]}' AS field, NEW.{single[0]} AS value"]
    selects += [f"SELECT '{f}', NEW.{f}" for f in single[1:]]
    selects += [f"SELECT '{f}', unnest(NEW.{f})" for f in MULTIPLE]
    return "SELECT DISTINCT p.field, p.value FROM (" + " UNION ALL ".join(selects) + ") p WHERE coalesce(p.value, '') <> ''"


def _facet_ids_function(single: tuple[str, ...]) -> str:
    pairs = _pairs(single)
    unchanged = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in single + MULTIPLE)
    return f"""
CREATE OR REPLACE FUNCTION casa_search_facet_ids() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  wanted int;
  found int;
BEGIN
  IF TG_OP = 'UPDATE' AND {unchanged} AND OLD.facet_ids IS NOT NULL THEN
    NEW.facet_ids := OLD.facet_ids;
    RETURN NEW;
  END IF;
  SELECT count(*), count(v.id), coalesce(array_agg(v.id ORDER BY v.id) FILTER (WHERE v.id IS NOT NULL), '{{}}')
    INTO wanted, found, NEW.facet_ids
    FROM ({pairs}) p LEFT JOIN casa_search_facet_value v USING (field, value);
  IF found < wanted THEN
    INSERT INTO casa_search_facet_value (field, value)
      SELECT field, value FROM ({pairs}) p ORDER BY 1, 2
      ON CONFLICT (field, value) DO NOTHING;
    SELECT coalesce(array_agg(v.id ORDER BY v.id), '{{}}') INTO NEW.facet_ids
      FROM ({pairs}) p JOIN casa_search_facet_value v USING (field, value);
  END IF;
  RETURN NEW;
END $$;
"""


# -- 0003: maintained counts ----------------------------------------------------
_VISIBLE = "state = 'active' AND capacity = 'public'"
_LABELLED = "'public' = ANY(coalesce(permission_labels, '{}'))"


def _contributions(rows: str, single: tuple[str, ...]) -> str:
    key = "site_id, coalesce(dataset_type, '') AS dataset_type"
    parts = [
        (f"SELECT {key}, CASE WHEN {_LABELLED} THEN '_count' ELSE '_public_without_label' END"
         f" AS field, '' AS value, sign FROM {rows} WHERE {_VISIBLE}")
    ]
    for field in single:
        parts.append(
            f"SELECT {key}, '{field}', {field}, sign FROM {rows}"
            f" WHERE {_VISIBLE} AND {_LABELLED} AND coalesce({field}, '') <> ''"
        )
    for field in MULTIPLE:
        parts.append(
            f"SELECT {key}, '{field}', u.v, sign FROM {rows},"
            f" LATERAL (SELECT DISTINCT v FROM unnest({field}) v) u"
            f" WHERE {_VISIBLE} AND {_LABELLED} AND coalesce(u.v, '') <> ''"
        )
    return " UNION ALL ".join(parts)


_TRIGGERS = {
    "insert": "SELECT *, 1 AS sign FROM new_rows",
    "update": "SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 AS sign FROM old_rows",
    "delete": "SELECT *, -1 AS sign FROM old_rows",
}


def _stats_functions(single: tuple[str, ...]) -> list[str]:
    out = []
    for name, changed in _TRIGGERS.items():
        apply = (
            f"WITH changed AS ({changed}), contrib AS ({_contributions('changed', single)})"
            " INSERT INTO casa_search_stats AS s (site_id, dataset_type, field, value, n)"
            " SELECT site_id, dataset_type, field, value, sum(sign) FROM contrib"
            " GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0 ORDER BY 1, 2, 3, 4"
            " ON CONFLICT (site_id, dataset_type, field, value) DO UPDATE SET n = s.n + EXCLUDED.n;"
        )
        out.append(
            f"CREATE OR REPLACE FUNCTION casa_search_stats_{name}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {apply} RETURN NULL; END $$"
        )
    return out


def _fire_deferred_triggers() -> None:
    """As in 0010: the deferred generation bump (0006) must run before the
    table is altered, here or by a later migration."""
    op.execute("SET CONSTRAINTS ALL IMMEDIATE")
    op.execute("SET CONSTRAINTS ALL DEFERRED")


def upgrade():
    op.add_column("casa_search_document", sa.Column("spatial_coverage", sa.UnicodeText))
    op.execute(_facet_ids_function(SINGLE))
    for sql in _stats_functions(SINGLE):
        op.execute(sql)
    op.execute(
        "UPDATE casa_search_document d SET spatial_coverage = c.doc ->> 'spatial_coverage'"
        " FROM casa_search_content c WHERE c.id = d.id"
        " AND coalesce(c.doc ->> 'spatial_coverage', '') <> ''"
    )
    _fire_deferred_triggers()


def downgrade():
    # The column's counts go first (through the triggers), then the column.
    op.execute("UPDATE casa_search_document SET spatial_coverage = NULL WHERE spatial_coverage IS NOT NULL")
    _fire_deferred_triggers()
    single = tuple(f for f in SINGLE if f != "spatial_coverage")
    op.execute(_facet_ids_function(single))
    for sql in _stats_functions(single):
        op.execute(sql)
    op.drop_column("casa_search_document", "spatial_coverage")
