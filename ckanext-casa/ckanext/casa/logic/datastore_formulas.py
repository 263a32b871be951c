"""Formula cells neutralised in CKAN's CSV and TSV output of the datastore.

Our own downloads already prefix a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return with ``'`` (OWASP's CSV-injection
guidance): a spreadsheet would otherwise run it as a formula. CKAN's
``/datastore/dump`` and ``datastore_search`` with ``records_format`` csv or
tsv wrote such cells as they are. This IDatastore hook rewrites the select
list of those two formats, so PostgreSQL does it while it writes the CSV:
no second pass over the rows in Python. Only text columns are touched; a
negative number stays a number.
"""

from __future__ import annotations

from typing import Any

from ckanext.datastore.backend.postgres import identifier

SPREADSHEET_FORMATS = ("csv", "tsv")
TEXT_TYPES = ("text", "varchar", "character varying", "citext", "bpchar", "name")


def _guarded(column: str) -> str:
    # chr(9) and chr(13): tab and carriage return, spelled so no escape
    # convention of PostgreSQL's string literals is involved.
    return (f"CASE WHEN left({column}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
            f"THEN '''' || {column} ELSE {column} END")


def neutralise_formulas(data_dict: dict[str, Any], fields_types: dict[str, str],
                        query_dict: dict[str, Any]) -> dict[str, Any]:
    """``query_dict`` with its text columns guarded, for the CSV and TSV formats."""
    if data_dict.get("records_format") not in SPREADSHEET_FORMATS:
        return query_dict
    text_columns = {identifier(name) for name, kind in fields_types.items() if kind in TEXT_TYPES}
    query_dict["select"] = [_guarded(item) if item in text_columns else item
                            for item in query_dict.get("select", [])]
    return query_dict
