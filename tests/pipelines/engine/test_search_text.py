"""The search words a release is staged with are fold()'s words: the query
side (casa_pipelines.normalize.fold) and the published tables meet."""

from __future__ import annotations

import pyarrow as pa
from casa_pipelines.normalize import fold
from casa_pipelines.search_text import search_column


def literal(*cells: str | None) -> str:
    words = fold(" ".join(c or "" for c in cells))
    return "'" + words.replace(" ", "' '") + "'" if words else ""


def test_search_column_is_fold_row_by_row_on_census_names(repo) -> None:
    import csv

    with (repo / "validation" / "population-2024" / "valid.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    table = pa.table({"nom_fr": [r["nom_fr"] for r in rows], "niveau": [r["niveau"] for r in rows]})
    assert search_column(table, ["nom_fr", "niveau"]).to_pylist() == [literal(r["nom_fr"], r["niveau"]) for r in rows]


def test_empty_and_missing_cells_and_mixed_scripts() -> None:
    a = ["Aïn-Sebaâ", None, "", "x", "  ", "Ben M’Sick", "مَقَاطَعَة", "ÉCOLE—Œuvre", None]
    b = [None, "", "مَقَاطَعَة", "Œuvre l’ami", "_", "بن مسيك", "", "l\u02bcOasis", None]
    got = search_column(pa.table({"a": a, "b": b}), ["a", "b"]).to_pylist()
    assert got == [literal(x, y) for x, y in zip(a, b)]
    assert got[0] == "'ain' 'sebaa'" and got[1] == "" and got[8] == ""
    # Repeated values (folded once per distinct value) give the same words everywhere.
    many = pa.table({"a": ["Maârif", "Anfa"] * 5000})
    assert set(search_column(many, ["a"]).to_pylist()) == {"'maarif'", "'anfa'"}


def test_codes_are_left_to_filters(repo) -> None:
    """By default the words of codes (a pattern constraint, a référentiel
    column, the primary key) are not searched; a declared list is kept."""
    import dataclasses

    from casa_pipelines.search_text import searchable
    from casa_pipelines.spec import load_spec
    from casa_pipelines.validate import load_schema

    spec = load_spec(repo / "datasets" / "population-2024.yaml", root=repo)
    descriptor = load_schema(spec.schema_path)
    texts = [f["name"] for f in descriptor["fields"] if f["type"] == "string"]
    assert "code" in texts and "code" in spec.public.columns
    words = searchable(spec, descriptor, texts)
    assert "nom_fr" in words and "code" not in words and "milieu" not in words
    declared = dataclasses.replace(spec, public=dataclasses.replace(spec.public, search=["code", "nom_fr"]))
    assert searchable(declared, descriptor, texts) == ["code", "nom_fr"]
