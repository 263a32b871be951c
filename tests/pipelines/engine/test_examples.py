"""Every schema under validation/ ships a valid and an invalid example:
every valid example passes every check of its dataset, every invalid one fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from casa_pipelines.extract import extract
from casa_pipelines.spec import DatasetSpec, load_spec
from casa_pipelines.validate import validate

REPO = Path(__file__).resolve().parents[3]
SPECS = {p.stem: load_spec(p) for p in sorted((REPO / "datasets").glob("*.yaml"))}


def _examples() -> list[tuple[str, Path, bool]]:
    out = []
    for slug, spec in SPECS.items():
        for path in sorted(spec.schema_path.parent.iterdir()):
            if path.stem.startswith(("valid", "invalid")):
                out.append((slug, path, path.stem.startswith("valid")))
    return out


EXAMPLES = _examples()


def test_every_schema_folder_has_both_kinds() -> None:
    folders = {p.parent for p in (REPO / "validation").glob("*/schema.*")}
    used = {spec.schema_path.parent for spec in SPECS.values()}
    assert folders == used, "a schema without a dataset is never exercised"
    for folder in folders:
        names = [p.stem for p in folder.iterdir()]
        assert any(n.startswith("valid") for n in names) and any(n.startswith("invalid") for n in names), folder


@pytest.mark.parametrize(("slug", "path", "expected"), EXAMPLES,
                         ids=[f"{s}/{p.name}" for s, p, _ in EXAMPLES])
def test_example(slug: str, path: Path, expected: bool) -> None:
    spec: DatasetSpec = SPECS[slug]
    report = validate(extract(path, spec.source), spec)
    assert report.valid is expected, report.to_text()
