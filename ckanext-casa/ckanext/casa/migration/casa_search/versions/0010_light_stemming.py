"""Light stemming of French and Arabic, in SQL, for the index and queries.

Search text is folded first (casa_pipelines/normalize.py: case, accents,
Arabic letter variants). Folded words still differ by the forms people type:
"emplois" and "emploi", "habitats" and "habitat"; تعليم and التعليم,
مؤسسات and المؤسسة, بالدار and الدار. ``casa_stem_word`` reduces those forms
to one stem, and the same function runs on both sides: on the document's
text when it is indexed (search/documents.py) and on each word of a query
(``casa_stem_tsquery``, search/compiler.py).

Why our own rules and not PostgreSQL's Snowball stemmers: on folded text,
``french_stem`` keeps "emplois" (a final s after i stays) and cuts
"logement" to "log"; ``arabic_stem`` gives سكان and السكان two different
stems and keeps the conjunction of والشغل. The rules below are light
stemmers in the manner of Savoy's French light stemmer and Larkey's Light10
for Arabic:

- French (any word of Latin letters; English plurals come out too): plural
  -s/-x (-aux -> -al, -eaux -> -eau), then the feminine and mute -e, and
  -ive -> -if;
- Arabic: the conjunction و, the article with its attached prepositions
  (ال، وال، بال، كال، فال، لل، ولل), then the pronoun endings ها and هم, the
  plural and dual endings ات ان ون ين, then the feminine (taa marbuta,
  folded to ه) and the nisba ي/ية; a stem keeps at least three letters.

A word that starts with a bare preposition (ب ل ك ف, as in لسكان) cannot be
told from a word that starts with that letter (بيانات): the index keeps the
word as it is, and a query word looks for both (``casa_stem_variants``).

The text search configuration ``casa`` is ``simple`` with the French stop
words PostgreSQL ships (articles, elided l' d' qu', prepositions): a query
"l'emploi" looks for "emploi", and "taux de chômage" finds "taux du
chômage" as a phrase, as Solr's stop filter would.

Documents indexed before this migration are stemmed here, from their
vectors (each lexeme is a folded word; positions and weights are kept), so
no rebuild of the index is needed.

Revision ID: 0010_light_stemming
Revises: 0009_facet_bitsets
Create Date: 2026-12-06
"""

from alembic import op

revision = "0010_light_stemming"
down_revision = "0009_facet_bitsets"
branch_labels = None
depends_on = None

# PL/pgSQL with string functions, not regular expressions per rule: about
# 13 µs a word, where a SQL version built of regexp_replace calls took 25
# times longer (indexing time is the cost that matters here).
STEM_WORD = r"""
CREATE OR REPLACE FUNCTION casa_stem_word(w text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  s text := w;
BEGIN
  IF length(s) < 4 THEN
    RETURN s;
  ELSIF s ~ '^[a-z]+$' THEN
    IF right(s, 4) = 'eaux' THEN
      s := left(s, -1);
    ELSIF right(s, 3) = 'aux' AND length(s) >= 5 THEN
      s := left(s, -3) || 'al';
    ELSIF right(s, 1) IN ('s', 'x') AND right(s, 2) <> 'ss' THEN
      s := left(s, -1);
    END IF;
    IF right(s, 3) = 'ive' AND length(s) >= 4 THEN
      s := left(s, -3) || 'if';
    ELSE
      WHILE right(s, 1) = 'e' AND length(s) >= 4 LOOP
        s := left(s, -1);
      END LOOP;
    END IF;
  ELSIF s ~ '^[\u0620-\u064A]+$' THEN
    IF left(s, 1) = 'و' AND length(s) >= 5 THEN
      s := substr(s, 2);
    END IF;
    IF left(s, 3) IN ('وال', 'بال', 'كال', 'فال', 'ولل') AND length(s) >= 5 THEN
      s := substr(s, 4);
    ELSIF left(s, 2) IN ('ال', 'لل') AND length(s) >= 4 THEN
      s := substr(s, 3);
    END IF;
    IF left(s, 1) = 'و' AND length(s) >= 5 THEN
      s := substr(s, 2);
    END IF;
    IF right(s, 2) IN ('ها', 'هم') AND length(s) >= 5 THEN
      s := left(s, -2);
    END IF;
    IF right(s, 2) IN ('ات', 'ان', 'ون', 'ين') AND length(s) >= 5 THEN
      s := left(s, -2);
    END IF;
    IF right(s, 2) = 'يه' AND length(s) >= 5 THEN
      s := left(s, -2);
    ELSIF right(s, 1) IN ('ه', 'ي') AND length(s) >= 4 THEN
      s := left(s, -1);
    END IF;
  END IF;
  RETURN s;
END
$$;
"""

# Folded text is words separated by single spaces (normalize.fold).
STEM_TEXT = """
CREATE OR REPLACE FUNCTION casa_stem_text(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(casa_stem_word(w), ' ' ORDER BY n), '')
  FROM unnest(string_to_array(t, ' ')) WITH ORDINALITY AS u(w, n)
$$;
"""

STEM_VARIANTS = r"""
CREATE OR REPLACE FUNCTION casa_stem_variants(w text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ARRAY(SELECT DISTINCT v FROM unnest(ARRAY[casa_stem_word(w),
    CASE WHEN w ~ '^[بلكف][\u0620-\u064A]{3,}$' AND w !~ '^(بال|كال|فال|لل)'
         THEN casa_stem_word(substr(w, 2)) END]) AS v WHERE v IS NOT NULL ORDER BY v)
$$;
"""

# The query side: the compiler writes tsquery text whose every word is a
# quoted folded word ('emplois', 'pop':*, 'x':A); each becomes its stem, or
# its stems as alternatives: ('مدين' | 'بمدين'), suffix kept.
STEM_TSQUERY = """
CREATE OR REPLACE FUNCTION casa_stem_tsquery(q text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(CASE
      WHEN m[2] IS NULL THEN m[1]
      ELSE (SELECT '(' || string_agg(quote_literal(v) || coalesce(m[3], ''), ' | ') || ')'
            FROM unnest(casa_stem_variants(m[2])) AS v)
    END, '' ORDER BY n), '')
  FROM regexp_matches(q, '([^'']+)|''([^'']*)''(:[*A-D]+)?', 'g') WITH ORDINALITY AS r(m, n)
$$;
"""

TOKENS = (
    "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, hword_numpart"
)

# A vector of folded words -> the vector of their stems, positions and
# weights kept, stop words dropped (used once, below).
RESTEM = """
CREATE OR REPLACE FUNCTION pg_temp.casa_restem(v tsvector) RETURNS tsvector LANGUAGE sql AS $$
  SELECT coalesce(string_agg(quote_literal(s.stem) || ':' || s.positions, ' ')::tsvector, ''::tsvector)
  FROM (
    SELECT casa_stem_word(u.lexeme) AS stem,
           (SELECT string_agg(p.pos || p.w, ',') FROM unnest(u.positions, u.weights) AS p(pos, w)) AS positions
    FROM unnest(v) AS u
  ) s
  WHERE ts_lexize('casa_words', s.stem) <> '{}'
$$;
"""


def upgrade():
    for sql in (STEM_WORD, STEM_TEXT, STEM_VARIANTS, STEM_TSQUERY):
        op.execute(sql)
    # Dropped first: CKAN's test fixture (reset_db) drops tables, not these.
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS casa")
    op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS casa_words")
    op.execute("CREATE TEXT SEARCH DICTIONARY casa_words (TEMPLATE = simple, STOPWORDS = french)")
    op.execute("CREATE TEXT SEARCH CONFIGURATION casa (COPY = simple)")
    op.execute(f"ALTER TEXT SEARCH CONFIGURATION casa ALTER MAPPING FOR {TOKENS} WITH casa_words")
    op.execute(RESTEM)
    op.execute("UPDATE casa_search_document SET search_vector = pg_temp.casa_restem(search_vector)")
    _fire_deferred_triggers()


def _fire_deferred_triggers() -> None:
    """Run the deferred trigger events a bulk write left (the generation
    bump of 0006 is a deferred constraint trigger): PostgreSQL refuses to
    alter a table with pending trigger events, and the next migrations run
    in the same transaction. The triggers are deferred again afterwards."""
    op.execute("SET CONSTRAINTS ALL IMMEDIATE")
    op.execute("SET CONSTRAINTS ALL DEFERRED")


def downgrade():
    # The stems cannot be turned back into words: after a downgrade, rebuild
    # the index (ckan search-index rebuild).
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS casa")
    op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS casa_words")
    for name in ("casa_stem_tsquery(text)", "casa_stem_variants(text)", "casa_stem_text(text)",
                 "casa_stem_word(text)"):
        op.execute(f"DROP FUNCTION IF EXISTS {name}")
