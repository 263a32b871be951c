"""Adapter of the themes: the list the ``casa`` CKAN plugin creates as groups
(``ckanext.casa.themes``), or a CSV file that follows ``schema.json``."""

from __future__ import annotations

import importlib
from pathlib import Path

from casa_pipelines.referentials.errors import SourceError
from casa_pipelines.referentials.extract import Extract
from casa_pipelines.referentials.sources.csv_file import read_csv

# The SDTN was approved by the city council in February 2018.
VALID_FROM = "2018-02-01"


def extract(source: str, fields: list[str]) -> Extract:
    if source.endswith(".csv"):
        found = read_csv(Path(source), fields)
        found.valid_from = VALID_FROM
        return found
    try:
        themes = importlib.import_module(source).THEMES
    except (ImportError, AttributeError) as err:
        raise SourceError(f"Source de thèmes illisible : {source} ({err}).") from err
    rows = [
        {
            "code": t["name"],
            "level": "theme",
            "name_fr": t["title"],
            "name_ar": t.get("title_ar"),
            "name_en": t.get("title_en"),
        }
        for t in themes
    ]
    return Extract(rows=rows, source=source, valid_from=VALID_FROM)
