"""The gate between a release and the portal: which failed rules a steward
may waive, and whether every failure of a release is covered.

Which issue types can be waived is declared once, in the issue catalogue
(``validate/issue_types.py``): only the semantic checks (expectation suites,
référentiel integrity).
"""

from __future__ import annotations

from typing import Any

from casa_pipelines.errors import EXIT_INVALID, PipelineError
from casa_pipelines.validate.issue_types import waivable


class GateClosed(PipelineError):
    """The release may not be published (yet): failed rules not waived, an
    embargo, a wrong status. Nothing public changed."""

    exit_code = EXIT_INVALID


def rule_id(issue: dict[str, Any]) -> str:
    """A stable name for the rule an issue breaks, to be quoted in --waive:
    ``suite:<expectation type>:<column>[,<column>]`` or ``referential:<column>``."""
    if issue.get("check") == "referential":
        return f"referential:{issue.get('field_name')}"
    column = (issue.get("field_name") or "").replace(" / ", ",")  # column pairs: no space to quote
    return f"suite:{issue.get('note')}" + (f":{column}" if column else "")


def failed_rules(report: dict[str, Any]) -> dict[str, int]:
    """Rule id -> number of issues, for the waivable issues of a stored report."""
    out: dict[str, int] = {}
    for issue in report.get("issues", []):
        if waivable(issue.get("type") or ""):
            key = rule_id(issue)
            out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


def check_waivers(failed: dict[str, int], waived: dict[str, str], asked: list[str]) -> None:
    """Refuse a waiver for a rule that did not fail, then any failed rule
    still not waived."""
    unknown = [r for r in asked if r not in failed]
    if unknown:
        listing = ", ".join(failed) or "aucune"
        raise GateClosed(
            f"Dérogation refusée : la règle « {unknown[0]} » n'a pas échoué pour cette version "
            f"(règles en échec : {listing}).",
            f"Waiver refused: rule '{unknown[0]}' did not fail in this release (failed rules: "
            f"{', '.join(failed) or 'none'}).")
    missing = [r for r in failed if r not in waived and r not in asked]
    if missing:
        flags = " ".join(f"--waive {r}" for r in missing)
        raise GateClosed(
            f"Version non valide : {len(missing)} règle(s) en échec sans dérogation ({', '.join(missing)}). "
            f"Corrigez les données, ou publiez avec {flags} --reason \"…\".",
            f"Release not valid: {len(missing)} failed rule(s) without a waiver ({', '.join(missing)}). "
            f"Fix the data, or publish with {flags} --reason \"…\".")
