"""Reading a definition file (YAML) key by key: the first problem is
reported with its key path ("datasets/x.yaml: `ckan.title.ar` is missing")
rather than as a KeyError later. The dataset definitions and their
``source.package`` block use it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casa_pipelines.errors import SpecError


class Reader:
    """Walks the YAML mapping and reports the first problem with its key path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, fr: str, en: str) -> SpecError:
        return SpecError(f"{self.path} : `{key}` {fr}", f"{self.path}: `{key}` {en}")

    def mapping(self, data: Any, key: str, *, required: bool = True) -> dict[str, Any]:
        if data is None and not required:
            return {}
        if not isinstance(data, dict):
            raise self.fail(key, "doit être un dictionnaire", "must be a mapping")
        return data

    def get(self, data: dict[str, Any], key: str, prefix: str, kind: type, *, required: bool = True) -> Any:
        full = f"{prefix}.{key}" if prefix else key
        if key not in data or data[key] is None:
            if required:
                raise self.fail(full, "manquant", "is missing")
            return None
        value = data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(full, f"doit être de type {kind.__name__}", f"must be a {kind.__name__}")
        if kind is str and not value.strip():
            raise self.fail(full, "est vide", "is empty")
        return value

    def unknown(self, data: dict[str, Any], allowed: set[str], prefix: str) -> None:
        extra = sorted(set(data) - allowed)
        if extra:
            key = f"{prefix}.{extra[0]}" if prefix else extra[0]
            raise self.fail(key, f"clé inconnue (attendu : {', '.join(sorted(allowed))})",
                            f"unknown key (expected: {', '.join(sorted(allowed))})")

    def bilingual(self, data: dict[str, Any], key: str, prefix: str) -> dict[str, str]:
        value = self.mapping(data.get(key), f"{prefix}.{key}")
        self.unknown(value, {"fr", "ar"}, f"{prefix}.{key}")
        return {lang: self.get(value, lang, f"{prefix}.{key}", str) for lang in ("fr", "ar")}
