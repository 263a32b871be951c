"""Releases, waivers, events and the current publication of each dataset;
the text folding used by published tables' search column.

The ``release`` table existed before this tree (created on the fly by the
first ingest code), hence ``IF NOT EXISTS`` and the column additions.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

S = "casa_staging"

# The same rules as ckanext.casa.normalize.fold, in SQL, so that the search
# column of a published table is built in the one CREATE TABLE AS pass:
# accents (unaccent), then NFKD splits hamza and madda off alef, waw and yaa,
# combining marks and invisible format characters go, and the Arabic letter
# variants are mapped (alef wasla, taa marbuta, alef maqsura, farsi yeh,
# keheh) or dropped (tatweel, lone hamza). Word splitting is left to the
# text-search parser.
FOLD = r"""
CREATE OR REPLACE FUNCTION casa_staging.fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fold$
  SELECT lower(translate(
    regexp_replace(
      normalize(public.unaccent('public.unaccent'::regdictionary, t), NFKD),
      '[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]',
      '', 'g'),
    E'\u0671\u0629\u0649\u06cc\u06a9\u0640\u0621\u2019\u02bc',
    E'\u0627\u0647\u064a\u064a\u0643'))
$fold$
"""


def upgrade() -> None:
    op.execute(f"""
    CREATE TABLE IF NOT EXISTS {S}.release (
        dataset      text        NOT NULL,
        number       integer     NOT NULL,
        sha256       text        NOT NULL,
        rows         bigint      NOT NULL,
        status       text        NOT NULL,
        staged_table text        NOT NULL,
        source       text        NOT NULL,
        report       jsonb       NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dataset, number),
        UNIQUE (dataset, sha256)
    )""")
    op.execute(f"ALTER TABLE {S}.release DROP CONSTRAINT IF EXISTS release_status_check")
    op.execute(f"""
    ALTER TABLE {S}.release
        ADD COLUMN IF NOT EXISTS embargo_until      date,
        ADD COLUMN IF NOT EXISTS published_at       timestamptz,
        ADD COLUMN IF NOT EXISTS first_published_at timestamptz,
        ADD CONSTRAINT release_status_check CHECK (status IN
            ('failed', 'validated', 'scheduled', 'published', 'withdrawn'))""")
    # At most one current publication per dataset, enforced by the database.
    op.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS release_one_published ON {S}.release (dataset) "
               "WHERE status = 'published'")
    op.execute(f"""
    CREATE TABLE {S}.waiver (
        dataset    text        NOT NULL,
        number     integer     NOT NULL,
        rule       text        NOT NULL,
        reason     text        NOT NULL CHECK (length(btrim(reason)) > 0),
        actor      text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dataset, number, rule),
        FOREIGN KEY (dataset, number) REFERENCES {S}.release ON DELETE CASCADE
    )""")
    op.execute(f"""
    CREATE TABLE {S}.event (
        id      bigserial   PRIMARY KEY,
        dataset text        NOT NULL,
        number  integer,
        action  text        NOT NULL,
        actor   text        NOT NULL,
        at      timestamptz NOT NULL DEFAULT now(),
        detail  jsonb       NOT NULL DEFAULT '{{}}'
    )""")
    op.execute(f"CREATE INDEX event_dataset ON {S}.event (dataset, at)")
    # What the portal shows of each dataset, and whether the steps after the
    # table swap (downloads, catalogue) have completed for it.
    op.execute(f"""
    CREATE TABLE {S}.publication (
        dataset          text        PRIMARY KEY,
        number           integer     NOT NULL,
        resource_id      text        NOT NULL UNIQUE,
        published_at     timestamptz NOT NULL,
        downloads_built  boolean     NOT NULL DEFAULT false,
        catalogue_synced boolean     NOT NULL DEFAULT false,
        FOREIGN KEY (dataset, number) REFERENCES {S}.release
    )""")
    op.execute(FOLD)


def downgrade() -> None:
    op.execute(f"DROP FUNCTION IF EXISTS {S}.fold(text)")
    for table in ("publication", "event", "waiver"):
        op.execute(f"DROP TABLE IF EXISTS {S}.{table}")
    op.execute(f"DROP INDEX IF EXISTS {S}.release_one_published")
    op.execute(f"ALTER TABLE {S}.release DROP COLUMN IF EXISTS embargo_until, "
               "DROP COLUMN IF EXISTS published_at, DROP COLUMN IF EXISTS first_published_at")
