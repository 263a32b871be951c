"""Facet values of each document as one int[] of dictionary ids.

A text query with facets (the ``/dataset`` page after a search) counted each
faceted column of its matches in its own pass: three unnests of text arrays
and two text group-bys, about 140 ms of SQL for a word matching 14,000 of
100,000 datasets (make bench-search). ``facet_ids`` holds the ids of every
(field, value) pair of the five counted facets (organization, license_id,
groups, tags, res_format), so that one unnest of small integers counts them
all; ``casa_search_facet_value`` names the ids.

A row trigger fills ``facet_ids`` from the typed columns, so the ids follow
every write whoever makes it (our connection, CKAN's rebuild, SQL by hand),
in the writer's transaction. New pairs are added to the dictionary with
``ON CONFLICT DO NOTHING`` and read back by a later statement, which sees a
pair that a concurrent writer committed meanwhile. Ids are never reused; a
pair no document holds any more is harmless (counts come from documents).

Revision ID: 0005_facet_ids
Revises: 0004_vector_with_columns
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0005_facet_ids"
down_revision = "0004_vector_with_columns"
branch_labels = None
depends_on = None

# The pairs of one row, as (field, value); empty values are not facets.
_PAIRS = (
    "SELECT DISTINCT p.field, p.value FROM ("
    " SELECT 'organization' AS field, NEW.organization AS value"
    " UNION ALL SELECT 'license_id', NEW.license_id"
    " UNION ALL SELECT 'groups', unnest(NEW.groups)"
    " UNION ALL SELECT 'tags', unnest(NEW.tags)"
    " UNION ALL SELECT 'res_format', unnest(NEW.res_format)"
    ") p WHERE coalesce(p.value, '') <> ''"
)
_UNCHANGED = " AND ".join(
    f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}"
    for c in ("organization", "license_id", "groups", "tags", "res_format")
)

FUNCTION = f"""
CREATE OR REPLACE FUNCTION casa_search_facet_ids() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  wanted int;
  found int;
BEGIN
  IF TG_OP = 'UPDATE' AND {_UNCHANGED} AND OLD.facet_ids IS NOT NULL THEN
    NEW.facet_ids := OLD.facet_ids;
    RETURN NEW;
  END IF;
  SELECT count(*), count(v.id), coalesce(array_agg(v.id ORDER BY v.id) FILTER (WHERE v.id IS NOT NULL), '{{}}')
    INTO wanted, found, NEW.facet_ids
    FROM ({_PAIRS}) p LEFT JOIN casa_search_facet_value v USING (field, value);
  IF found < wanted THEN
    INSERT INTO casa_search_facet_value (field, value)
      SELECT field, value FROM ({_PAIRS}) p ORDER BY 1, 2
      ON CONFLICT (field, value) DO NOTHING;
    SELECT coalesce(array_agg(v.id ORDER BY v.id), '{{}}') INTO NEW.facet_ids
      FROM ({_PAIRS}) p JOIN casa_search_facet_value v USING (field, value);
  END IF;
  RETURN NEW;
END $$;
"""


def upgrade():
    op.create_table(
        "casa_search_facet_value",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("field", sa.UnicodeText, nullable=False),
        sa.Column("value", sa.UnicodeText, nullable=False),
        sa.UniqueConstraint("field", "value", name="casa_search_facet_value_pair"),
    )
    op.add_column("casa_search_document", sa.Column("facet_ids", pg.ARRAY(sa.Integer)))
    op.execute(FUNCTION)
    op.execute(
        "CREATE TRIGGER casa_search_facet_ids BEFORE INSERT OR UPDATE ON casa_search_document"
        " FOR EACH ROW EXECUTE FUNCTION casa_search_facet_ids()"
    )
    # Documents indexed before this migration: the dictionary in one pass,
    # then each row's ids (the trigger, with OLD.facet_ids NULL, computes them).
    op.execute(
        "INSERT INTO casa_search_facet_value (field, value)"
        " SELECT DISTINCT p.field, p.value FROM casa_search_document d, LATERAL ("
        "  SELECT 'organization' AS field, d.organization AS value"
        "  UNION ALL SELECT 'license_id', d.license_id"
        "  UNION ALL SELECT 'groups', unnest(d.groups)"
        "  UNION ALL SELECT 'tags', unnest(d.tags)"
        "  UNION ALL SELECT 'res_format', unnest(d.res_format)) p"
        " WHERE coalesce(p.value, '') <> '' ORDER BY 1, 2"
    )
    op.execute("UPDATE casa_search_document SET facet_ids = NULL")
    op.execute("UPDATE casa_search_document SET facet_ids = '{}' WHERE facet_ids IS NULL")
    op.alter_column("casa_search_document", "facet_ids", nullable=False, server_default="{}")


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS casa_search_facet_ids ON casa_search_document")
    op.execute("DROP FUNCTION IF EXISTS casa_search_facet_ids()")
    op.drop_column("casa_search_document", "facet_ids")
    op.drop_table("casa_search_facet_value")
