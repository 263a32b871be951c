"""Every bad file ends in one clear message and a documented exit code,
through the real `casa validate` command, never a traceback."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import yaml
from casa_pipelines.cli import main
from click.testing import CliRunner

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
CASES = yaml.safe_load((BAD / "cases.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Loaded by path: the tests folders are not packages.
    spec = importlib.util.spec_from_file_location("bad_corpus", BAD.parents[1] / "bad_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    target = tmp_path_factory.mktemp("bad")
    module.generate(target)
    return target


def test_corpus_is_complete() -> None:
    assert len(CASES) >= 30
    committed = {p.name for p in BAD.iterdir() if p.name != "cases.yaml"}
    listed = {c["file"] for c in CASES if not c.get("generated")}
    assert committed <= listed, f"files without a case: {committed - listed}"


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_file(case: dict, generated: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASA_DATASETS_DIR", str(repo / "datasets"))
    path = (generated if case.get("generated") else BAD) / case["file"]
    result = CliRunner().invoke(main, ["validate", case["dataset"], str(path), "--format", "json",
                                       "--no-referentials"])
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.exit_code != 70, output[-2000:]
    assert result.exit_code == case["exit"], output[-2000:]
    if case["exit"] in (0, 1):  # 0: valid, with the warnings listed
        report = json.loads(result.stdout)
        found = [[i["row"], i["type"]] for i in report["issues"]]
        for expected in case["issues"]:
            assert expected in found, found
        for unexpected in case.get("absent", []):
            assert unexpected not in found, found
        assert all(i["hint"] for i in report["issues"]), "every issue needs a fix hint"
    else:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Erreur : "), result.stderr
        for fragment in case["message"]:
            assert fragment in lines[0]
