"""A small public table in the real datastore database, with the cells that
downloads must handle: Arabic text, formula-like text, negative numbers,
NULLs, dates and a PostGIS point."""

from __future__ import annotations

import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from casa_pipelines.spec import DatasetSpec, load_spec
from psycopg import sql

SCHEMA = "casa_dl_test"

SCHEMA_YAML = """\
fields:
  - name: id
    type: string
    description: Identifiant.
    constraints: {required: true}
  - name: nom
    type: string
    description: Nom en français ou en arabe.
  - name: note
    type: string
  - name: montant
    type: number
  - name: effectif
    type: integer
    constraints: {required: true, minimum: -1000}
  - name: date_ouverture
    type: date
  - name: actif
    type: boolean
primaryKey: [id]
"""

DATASET_YAML = """\
slug: {slug}
schema: schema.yaml
public:
  columns: [id, nom, note, montant, effectif, date_ouverture, actif]
  redactions: [{{column: effectif, below: 3}}]
ckan:
  title: {{fr: Équipements de test, ar: مرافق للاختبار}}
  description: {{fr: Un jeu de test., ar: مجموعة اختبار.}}
  organization: ville-de-casablanca
  theme: services-urbains
  license: cc-by-4.0
  frequency: annual
  tags: {{fr: [test], ar: [اختبار]}}
  attribution: "Haut-Commissariat au Plan (HCP), données modifiées"
"""

# (id, nom, note, montant, effectif, date_ouverture, actif, lon, lat)
ROWS = [
    ("EQ-1", "École Ibn Battouta", "=1+1", -12.5, -3, "2019-09-16", True, -7.6, 33.59),
    ("EQ-2", "مدرسة ابن بطوطة", "@SUM(A1:A2)", 0.25, 10, None, False, -7.62, 33.57),
    ("EQ-3", "Parc -x", "-x", None, None, "2020-01-31", None, None, None),
    ("EQ-4", "\tTabulé", "+33 5 22", 1e6, 0, "1999-12-31", True, -7.5, 33.6),
    ("EQ-5", "", None, -0.0001, 7, "2024-02-29", False, -7.55, 33.55),
    ("EQ-6", "Ligne\navec retour", "\rcr", 3.0, 2, "2001-01-01", True, -7.58, 33.58),
]


@pytest.fixture()
def spec(tmp_path: Path) -> DatasetSpec:
    slug = f"test-dl-{uuid.uuid4().hex[:6]}"
    root = tmp_path / "repo"
    (root / "datasets").mkdir(parents=True)
    (root / "schema.yaml").write_text(SCHEMA_YAML, encoding="utf-8")
    path = root / "datasets" / f"{slug}.yaml"
    path.write_text(DATASET_YAML.format(slug=slug), encoding="utf-8")
    return load_spec(path, root=root)


def create_table(url: str, name: str, rows: int | None = None, geometry: str = "geometry") -> tuple[str, str]:
    """The public table: the ROWS above, or ``rows`` generated ones; its
    PostGIS column is called ``geometry``."""
    with psycopg.connect(url) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)))
        ident = sql.Identifier(SCHEMA, name)
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(ident))
        conn.execute(sql.SQL(textwrap.dedent("""\
            CREATE TABLE {} (
                _id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id text NOT NULL, nom text, note text, montant double precision,
                effectif integer, date_ouverture date, actif boolean,
                {} geometry(Point, 4326),
                _full_text tsvector)""")).format(ident, sql.Identifier(geometry)))
        if rows is None:
            with conn.cursor() as cur:
                for r in ROWS:
                    cur.execute(sql.SQL(
                        "INSERT INTO {} (id, nom, note, montant, effectif, date_ouverture, actif, {}, _full_text) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, "
                        "CASE WHEN %s::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(%s, %s), 4326) END, "
                        "to_tsvector('simple', coalesce(%s, '')))").format(ident, sql.Identifier(geometry)),
                        (*r[:7], r[7], r[7], r[8], r[1]))
        else:
            conn.execute(sql.SQL(
                "INSERT INTO {} (id, nom, note, montant, effectif, date_ouverture, actif, {}) "
                "SELECT 'EQ-' || g, 'Équipement ' || g || ' مرفق', CASE WHEN g %% 100 = 0 THEN '=A' || g END, "
                "g * -0.5, g %% 1000, DATE '2000-01-01' + (g %% 9000), g %% 2 = 0, "
                "ST_SetSRID(ST_MakePoint(-7.6 + (g %% 1000) * 1e-4, 33.5 + (g %% 997) * 1e-4), 4326) "
                "FROM generate_series(1, %s) g").format(ident, sql.Identifier(geometry)), (rows,))
    return SCHEMA, name


def drop_table(url: str, table: tuple[str, str]) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(*table)))


@pytest.fixture()
def public_table(url: str) -> Iterator[tuple[str, str]]:
    table = create_table(url, f"t_{uuid.uuid4().hex[:8]}")
    yield table
    drop_table(url, table)
