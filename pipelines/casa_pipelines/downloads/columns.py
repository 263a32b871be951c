"""A column of a public table as the download writers see it."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from psycopg import sql


@dataclass(frozen=True)
class Column:
    name: str  # in the table
    label: str  # in the files (the geometry column is called ``geometry``)
    kind: str  # Table Schema type
    arrow: pa.DataType
    select: sql.Composable  # how COPY reads it
    pg_type: str
