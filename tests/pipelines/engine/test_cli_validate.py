"""`casa validate` as a steward runs it: the installed command, real files,
documented exit codes, reports in three formats and two languages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
CASA = Path(sys.executable).parent / "casa"


def casa(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "CASA_DATASETS_DIR": str(REPO / "datasets"), **(env or {})}
    return subprocess.run([str(CASA), *args], check=False, capture_output=True, text=True, env=full, cwd=REPO, timeout=120)


def test_valid_file_exits_0() -> None:
    done = casa("validate", "population-2024", "validation/population-2024/valid.csv", "--no-referentials")
    assert done.returncode == 0, done.stderr
    assert "VALIDE" in done.stdout and "NON VALIDE" not in done.stdout


def test_invalid_file_json_and_english() -> None:
    done = casa("validate", "population-2024", "validation/population-2024/invalid.csv", "--no-referentials",
                "--format", "json", "--lang", "en")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    issue = next(i for i in report["issues"] if i["value"] == "n/a")
    assert (issue["row"], issue["field_name"], issue["type"]) == (3, "population_legale", "type-error")
    assert issue["hint"].startswith("Expected a whole number (e.g. 344165)")


def test_html_report_escapes_values(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("code,niveau,nom_fr,milieu,population_legale,population_municipale,hommes_pct,femmes_pct\n"
                   "06,region,X,total,<script>alert(1)</script>,1,50,50\n", encoding="utf-8")
    out = tmp_path / "report.html"
    done = casa("validate", "population-2024", str(bad), "--no-referentials", "--format", "html", "-o", str(out))
    assert done.returncode == 1 and done.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;" in page and "<script>" not in page


def test_error_exit_codes_are_one_line() -> None:
    cases = [
        (("validate", "population-2024", "nope.csv", "--no-referentials"), 3, "introuvable"),
        (("validate", "no-such-dataset", "x.csv"), 4, "Jeu de données inconnu"),
        (("validate", "population-2024", "validation/population-2024/valid.csv"), 4, "référentiel"),
        (("validate", "population-2024", "x.csv", "--format", "pdf"), 2, "pdf"),
    ]
    for args, code, fragment in cases:
        done = casa(*args, env={"CASA_DATASTORE_URL": os.environ.get("CASA_DATASTORE_URL", "")})
        assert done.returncode == code, (args, done.stderr)
        assert fragment in done.stderr and "Traceback" not in done.stderr


def test_no_datastore_configured() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("CASA_DATASTORE_URL", "CKAN_INI")}
    done = subprocess.run([str(CASA), "validate", "population-2024", "validation/population-2024/valid.csv"],
                          check=False, capture_output=True, text=True, cwd=REPO, timeout=120,
                          env={**env, "CASA_DATASETS_DIR": str(REPO / "datasets")})
    assert done.returncode == 4 and done.stderr.startswith("Erreur : aucune base datastore")


def test_ctrl_c_is_one_message_and_exit_130(monkeypatch) -> None:
    """Ctrl-C in the middle of a load: the documented code and a message
    in the steward's language, not click's "Aborted!" with exit 1 (the code
    of a file that is not valid)."""
    import casa_pipelines.releases.ingest
    from casa_pipelines.cli import main
    from click.testing import CliRunner

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(casa_pipelines.releases.ingest, "ingest", interrupted)
    monkeypatch.setenv("CASA_DATASETS_DIR", str(REPO / "datasets"))
    for lang, words in (("fr", "Interrompu : rien n'est resté à moitié fait"), ("en", "Interrupted: nothing")):
        done = CliRunner().invoke(main, ["ingest", "population-2024", str(REPO / "validation" / "population-2024"
                                                                           / "valid.csv"), "--lang", lang])
        assert done.exit_code == 130, done.output
        assert words in done.output and "Aborted" not in done.output
