"""The words a published table is searched by, folded at ingest with Arrow's
vectorised string kernels.

``casa_pipelines.normalize.fold`` is the rule (it folds the queries); this is
the same rule for a whole column at once. Folding in PostgreSQL while
building the public table (``casa_staging.fold``: unaccent, NFKD, a regular
expression) cost about 10 µs a row, the largest part of publishing a
million rows; these kernels do a column in one pass each. The staged
release keeps the result in a ``_search`` text column, as a tsvector
literal, and ``casa publish`` casts it into the ``_full_text`` column. tests/pipelines/engine/test_search_text.py checks it
against ``fold`` on every name of the référentiel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from casa_pipelines.normalize import REPLACEMENTS

if TYPE_CHECKING:
    from casa_pipelines.spec import DatasetSpec

SEARCH = "_search"
# Combining marks (Latin accents, harakat, hamza and madda split off by NFKD,
# Quranic marks) and invisible format characters.
_MARKS = r"[\p{Mn}\p{Me}\p{Cf}]"
# Anything but letters and digits separates words, as in fold().
_SEPARATORS = r"[^\p{L}\p{N}]+"


def fold_array(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """``fold`` applied to every string of ``values`` (nulls stay null)."""
    out = pc.utf8_normalize(values, form="NFKD")
    out = pc.replace_substring_regex(out, pattern=_MARKS, replacement="")
    for old, new in REPLACEMENTS:
        out = pc.replace_substring(out, pattern=old, replacement=new)
    out = pc.utf8_lower(out)
    out = pc.replace_substring_regex(out, pattern=_SEPARATORS, replacement=" ")
    return pc.utf8_trim_whitespace(out)


def _words_column(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """Each value's words as a tsvector literal after one space, "" when it
    has none. Each distinct value is folded and quoted once: registers
    repeat their categories and place names, and a dictionary pass costs far
    less than the regular expressions."""
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    chunks = []
    for chunk in pc.dictionary_encode(pc.cast(values, pa.string())).chunks:
        folded = fold_array(chunk.dictionary)
        quoted = pc.if_else(pc.equal(folded, ""), "", pc.binary_join_element_wise(" ", tsvector_literal(folded), ""))
        decoded = pa.DictionaryArray.from_arrays(chunk.indices, quoted).dictionary_decode()
        chunks.append(pc.fill_null(decoded, ""))
    return pa.chunked_array(chunks, type=pa.string())


def search_column(table: pa.Table, columns: list[str]) -> pa.ChunkedArray | pa.Array:
    """The folded words of ``columns`` (text columns of ``table``), one
    tsvector literal a row ("" for a row without words)."""
    parts = [_words_column(table[c]) for c in columns if c in table.column_names]
    if not parts:
        return pa.nulls(table.num_rows, pa.string())
    # Each part brings its leading space, so cells without words add none.
    # (Not JoinOptions(null_handling="skip"): pyarrow 26 drops the rows
    # whose cells are all null from its result.)
    joined = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "")
    return pc.utf8_ltrim(joined, characters=" ")


def tsvector_literal(folded: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Folded words as a tsvector literal (``'ecole' 'anfa'``): casting it
    costs PostgreSQL about a third less than to_tsvector's parser, and the
    words are exactly fold()'s, the query side's. Folded text holds only
    letters, digits and single spaces, so nothing needs escaping."""
    quoted = pc.binary_join_element_wise("'", pc.replace_substring(folded, pattern=" ", replacement="' '"), "'", "")
    return pc.if_else(pc.equal(folded, ""), "", quoted)


def searchable(spec: DatasetSpec, descriptor: dict[str, Any], text_columns: list[str]) -> list[str]:
    """The columns whose words are searched: ``public.search`` when the
    dataset declares it, else every public text column that is not a code:
    outside the primary key, without a ``pattern`` constraint, and not a
    référentiel column. Codes and identifiers are found by filters; split
    into words ("06.141.01.01" gives 06, 141, 01) they match nearly every
    row, and they made up about a third of the words to index."""
    if spec.public.search is not None:
        return list(spec.public.search)
    key = descriptor.get("primaryKey") or []
    codes = {*([key] if isinstance(key, str) else key),
             *(f["name"] for f in descriptor.get("fields", []) if "pattern" in (f.get("constraints") or {})),
             *(spec.referentials.columns if spec.referentials else ())}
    return [c for c in spec.public.columns if c in text_columns and c not in codes]
