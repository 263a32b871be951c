"""Read a référentiel's declaration (``referentials/<name>/referential.yaml``)."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from casa_pipelines.referentials.errors import UnknownReferential

# The declarations live in the repository, next to the pipelines package.
REFERENTIALS_DIR = Path(__file__).resolve().parents[3] / "referentials"


@dataclass(frozen=True)
class ReferentialSpec:
    name: str
    folder: Path
    title_fr: str
    title_ar: str
    title_en: str
    schema_path: Path
    suite_path: Path
    adapter: str
    default_source: str
    licence: str
    attribution: str

    def schema(self) -> dict[str, Any]:
        return json.loads(self.schema_path.read_text(encoding="utf-8"))

    def suite(self) -> dict[str, Any]:
        return json.loads(self.suite_path.read_text(encoding="utf-8"))

    def adapter_module(self) -> Any:
        return importlib.import_module(self.adapter)


def available() -> list[str]:
    return sorted(p.parent.name for p in REFERENTIALS_DIR.glob("*/referential.yaml"))


def load_spec(name: str, root: Path = REFERENTIALS_DIR) -> ReferentialSpec:
    path = root / name / "referential.yaml"
    if not path.is_file():
        raise UnknownReferential(
            f"Référentiel inconnu : {name!r}. Référentiels déclarés : {', '.join(available())}."
        )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    folder = path.parent
    return ReferentialSpec(
        name=data["name"],
        folder=folder,
        title_fr=data["title_fr"],
        title_ar=data["title_ar"],
        title_en=data.get("title_en", ""),
        schema_path=folder / data["schema"],
        suite_path=folder / data["suite"],
        adapter=data["adapter"],
        default_source=data["default_source"],
        licence=data.get("licence", ""),
        attribution=" ".join(str(data.get("attribution", "")).split()),
    )
