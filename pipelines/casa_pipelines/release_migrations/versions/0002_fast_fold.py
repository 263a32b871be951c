"""A faster text fold for the published tables' search column: one
``translate`` pass instead of unaccent, NFKD and a regular expression, which
cost about 10 µs a row and were the largest part of building a
million-row public table.

Same result on French and Arabic text: Latin letters with accents, alef,
waw and yaa with hamza or madda, alef wasla, taa marbuta, alef maqsura,
farsi yeh and keheh are mapped; tatweel, lone hamza, harakat, Quranic
marks, combining accents and invisible format characters are dropped; the
typographic apostrophe becomes a space; then lower case and the oe/ae
ligatures. ``tests/pipelines/referentials/test_fold.py`` checks it against
``ckanext.casa.normalize.fold`` on every name of the référentiel.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MAPPED = {
    "ÀÁÂÃÄÅàáâãäå": "AAAAAAaaaaaa",
    "Çç": "Cc",
    "ÈÉÊËèéêë": "EEEEeeee",
    "ÌÍÎÏìíîï": "IIIIiiii",
    "Ññ": "Nn",
    "ÒÓÔÕÖòóôõö": "OOOOOooooo",
    "ÙÚÛÜùúûü": "UUUUuuuu",
    "Ýýÿ": "Yyy",
    "\u0623\u0625\u0622\u0671": "\u0627\u0627\u0627\u0627",  # alef with hamza/madda, wasla -> alef
    "\u0624": "\u0648",  # waw with hamza -> waw
    "\u0626\u0649\u06cc": "\u064a\u064a\u064a",  # yaa with hamza, alef maqsura, farsi yeh -> yaa
    "\u0629": "\u0647",  # taa marbuta -> haa
    "\u06a9": "\u0643",  # keheh -> kaf
    "\u2019\u02bc": "  ",  # typographic apostrophes separate words
}
DROPPED = [
    "\u0640\u0621",  # tatweel, lone hamza
    *(chr(c) for c in range(0x0300, 0x0370)),  # combining accents
    *(chr(c) for c in range(0x0610, 0x061B)),  # Arabic signs
    *(chr(c) for c in range(0x064B, 0x0660)),  # harakat, hamza and madda above/below
    "\u0670",  # superscript alef
    *(chr(c) for c in range(0x06D6, 0x06EE)),  # Quranic marks
    "\u00ad\ufeff", *(chr(c) for c in range(0x200B, 0x2010)),  # soft hyphen, BOM, zero-width, LRM/RLM
    *(chr(c) for c in range(0x202A, 0x202F)), *(chr(c) for c in range(0x2066, 0x206A)),  # bidi controls
]


def _literal(text: str) -> str:
    return "E'" + "".join(f"\\u{ord(c):04x}" for c in text) + "'"


def upgrade() -> None:
    source = "".join(MAPPED) + "".join(DROPPED)
    target = "".join(MAPPED.values())  # translate() deletes what has no counterpart
    op.execute(f"""
    CREATE OR REPLACE FUNCTION casa_staging.fold(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fold$
      SELECT replace(replace(lower(translate(t, {_literal(source)}, {_literal(target)})), 'œ', 'oe'), 'æ', 'ae')
    $fold$""")


def downgrade() -> None:
    pass  # 0001's definition gives the same results, only slower: nothing to undo
