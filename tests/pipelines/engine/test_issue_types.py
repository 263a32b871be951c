"""The issue catalogue: every type the checks report is declared once, with
its title, message template, hint, rank and whether it can be waived."""

from __future__ import annotations

import re
from pathlib import Path

from casa_pipelines.publish.gate import failed_rules
from casa_pipelines.validate.issue_types import CATALOGUE, WAIVABLE, rank

PACKAGE = Path(__file__).resolve().parents[3] / "pipelines" / "casa_pipelines"


def test_every_issue_type_the_checks_report_is_in_the_catalogue() -> None:
    found = set()
    for path in (PACKAGE / "validate").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'Issue\("([a-z-]+)"', text))
        found |= set(re.findall(r'_issue\(row, "([a-z-]+)"', text))
    assert found and found <= set(CATALOGUE), found - set(CATALOGUE)


def test_each_template_words_an_issue_from_its_fields() -> None:
    for t in CATALOGUE.values():
        for template in t.template:
            assert template.format(row=3, field="code", value="x", note="pattern")
        assert all(t.title)


def test_only_the_semantic_checks_can_be_waived() -> None:
    assert set(WAIVABLE) == {"expectation-failed", "referential-unknown-code"}
    report = {"issues": [{"type": "type-error", "field_name": "code"},
                         {"type": "referential-unknown-code", "check": "referential", "field_name": "code"}]}
    assert failed_rules(report) == {"referential:code": 1}


def test_structure_sorts_before_cells() -> None:
    assert rank("blank-header") < rank("type-error") < rank("primary-key") < rank("expectation-failed")
