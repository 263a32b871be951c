"""``casa recode FILE --column C --to 2024`` on the real référentiel."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from casa_pipelines.cli import main
from click.testing import CliRunner


@pytest.fixture
def steward_file(tmp_path: Path) -> Path:
    path = tmp_path / "equipements.csv"
    path.write_text(
        "nom;commune;effectif\n"
        "école A;01.051.05.01;30\n"  # renumbered in 2024
        "école B;06.461.03;12\n"  # a 2014 cercle split in two
        "école C;06.141.01.01;40\n"  # Anfa, unchanged
        "école D;99.999.99.99;5\n"  # unknown
        "école E;;7\n",  # empty: malformed
        encoding="utf-8",
    )
    return path


@pytest.mark.usefixtures("loaded")
def test_recode_a_file_to_2024(steward_file: Path) -> None:
    result = CliRunner().invoke(main, ["recode", str(steward_file), "--column", "commune", "--to", "2024"])
    assert result.exit_code == 1, result.output  # unknown codes: written, but said
    assert "ligne 5 : '99.999.99.99' unknown" in result.output
    out = steward_file.with_name("equipements.recoded-2024.csv")
    rows = list(csv.DictReader(out.open(encoding="utf-8"), delimiter=";"))
    assert [r["commune"] for r in rows] == ["01.051.11.01", "06.461.03", "06.141.01.01", "99.999.99.99", ""]
    assert [r["commune_status"] for r in rows] == ["recoded", "split", "unchanged", "unknown", "malformed"]
    assert rows[1]["commune_successors"] == "06.461.11|06.461.13"
    assert rows[0]["effectif"] == "30" and rows[0]["nom"] == "école A"


@pytest.mark.usefixtures("loaded")
def test_bad_column_or_version(steward_file: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["recode", str(steward_file), "--column", "code", "--to", "2024"])
    assert result.exit_code == 2 and "Colonnes : nom, commune, effectif" in result.output
    result = runner.invoke(main, ["recode", str(steward_file), "--column", "commune", "--to", "1999"])
    assert result.exit_code == 2 and "Versions : 2014, 2024" in result.output
