"""The Frictionless ``datapackage.json`` of a release's downloads: one
resource per file with its size and sha256, the Table Schema of the public
columns, the licence and the credit (see ``build``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from casa_pipelines.downloads.columns import Column
from casa_pipelines.downloads.manifest import MEDIATYPES, Note
from casa_pipelines.spec import DatasetSpec

COPY_CHUNK = 1 << 20
# The resource frictionless validates as a table against the Table Schema,
# and the ones it checks as files (size and sha256).
TABULAR = ("csv",)
FILE_ONLY = ("xlsx", "json", "parquet")

# Known licence ids of the dataset definitions -> Data Package licence.
LICENSES = {
    "cc-by-4.0": ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/",
                  "Creative Commons Attribution 4.0 International"),
    "cc-by-sa-4.0": ("CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/",
                     "Creative Commons Attribution Share-Alike 4.0 International"),
    "cc-zero": ("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/",
                "Creative Commons CCZero 1.0"),
    "odc-odbl": ("ODbL-1.0", "https://opendatacommons.org/licenses/odbl/1-0/",
                 "Open Data Commons Open Database License 1.0"),
    "odc-by": ("ODC-By-1.0", "https://opendatacommons.org/licenses/by/1-0/",
               "Open Data Commons Attribution License 1.0"),
    "other-open": ("other-open", None, "Autre licence ouverte"),
}


def table_schema(spec: DatasetSpec, columns: list[Column], geometry_column: str | None) -> dict[str, Any]:
    declared = read_schema(spec.schema_path)
    by_name = {f.get("name"): f for f in declared.get("fields", []) if isinstance(f, dict)}
    redacted = {r.column for r in spec.public.redactions}
    fields = []
    for c in columns:
        if c.name == geometry_column or c.pg_type.startswith(("geometry", "geography")):
            fields.append({"name": c.label, "type": "string",
                           "description": "Géométrie en WKT, WGS 84 (EPSG:4326)."})
            continue
        item = json.loads(json.dumps(by_name.get(c.name) or {"name": c.name, "type": c.kind}, default=str))
        constraints = item.get("constraints")
        if isinstance(constraints, dict):
            if c.name in redacted:  # suppressed small counts are empty cells
                constraints.pop("required", None)
            if not constraints:
                item.pop("constraints")
        fields.append(item)
    schema: dict[str, Any] = {"fields": fields}
    names = {c.label for c in columns}
    pk = declared.get("primaryKey")
    pk = [pk] if isinstance(pk, str) else pk
    if pk and all(k in names for k in pk):
        schema["primaryKey"] = list(pk)
    if "missingValues" in declared:
        schema["missingValues"] = declared["missingValues"]
    return schema


def read_schema(path: Path) -> dict[str, Any]:
    text = Path(path).read_text(encoding="utf-8")
    data = json.loads(text) if Path(path).suffix == ".json" else yaml.safe_load(text)
    return data if isinstance(data, dict) else {}


def resource_descriptor(path: Path, fmt: str, slug: str, schema: dict[str, Any] | None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "name": f"{slug}-{fmt}",
        "path": path.name,
        "format": fmt,
        "mediatype": MEDIATYPES[fmt],
        "bytes": path.stat().st_size,
        "hash": f"sha256:{sha256_of(path)}",
    }
    if fmt in ("csv", "json", "geojson"):
        resource["encoding"] = "utf-8"
    if fmt == "csv":
        resource["description"] = (
            "Les cellules de texte commençant par =, +, -, @, une tabulation ou un retour chariot "
            "sont précédées d'une apostrophe (protection contre l'injection de formules)."
        )
    if schema is not None and fmt in TABULAR:
        resource["profile"] = "tabular-data-resource"
        resource["schema"] = schema
    elif fmt in FILE_ONLY:
        # The same table in another encoding: described as a plain file, whose
        # size and hash frictionless checks. As tables, frictionless's JSON and
        # Parquet readers (and any reader of a remote XLSX) bypass its byte
        # stream, so `frictionless validate` failed them with "byte-count ...
        # actual None", and its Parquet reader (pandas) turns integer columns
        # with empty cells into floats. The CSV carries the Table Schema.
        resource["type"] = "file"
    return resource


def package_descriptor(spec: DatasetSpec, release: int, rows: int, resources: list[dict[str, Any]],
             notes: list[Note]) -> dict[str, Any]:
    ckan = spec.ckan
    name, path, title = LICENSES.get(ckan.license, (ckan.license, None, ckan.license))
    licence: dict[str, Any] = {"name": name, "title": title}
    if path:
        licence["path"] = path
    package: dict[str, Any] = {
        "profile": "data-package",
        "name": spec.slug,
        "title": ckan.title["fr"],
        "description": ckan.description["fr"],
        "version": str(release),
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "licenses": [licence],
        "keywords": list(ckan.tags.get("fr", [])),
        "sources": [{"title": ckan.attribution or ckan.organization}],
        "contributors": [{"title": ckan.organization, "role": "publisher"}],
        "resources": resources,
        "casa": {
            "slug": spec.slug,
            "release": release,
            "rows": rows,
            "title": dict(ckan.title),
            "description": dict(ckan.description),
            "attribution": ckan.attribution,
            "notes": [n.__dict__ for n in notes],
        },
    }
    return package


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(COPY_CHUNK):
            digest.update(block)
    return digest.hexdigest()
