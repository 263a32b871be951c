"""The one validation report: every check's issues, rendered as text (rich),
JSON (for machines and releases) or HTML (stored with a release)."""

from __future__ import annotations

import html
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from casa_pipelines.validate.budget import MAX_PER_KIND, bounded
from casa_pipelines.validate.hints import hint
from casa_pipelines.validate.issue import Issue
from casa_pipelines.validate.issue_types import CATALOGUE, WARNING_TYPES

TEXT_LIMIT = 200  # a terminal is no place for 50,000 lines; JSON and HTML keep everything
_LABELS = {
    "fr": {"row": "ligne", "field": "colonne", "type": "erreur", "value": "valeur", "hint": "que faire",
           "valid": "VALIDE", "invalid": "NON VALIDE", "rows": "lignes", "issues": "problème(s)",
           "more": "… et {n} autres problèmes (voir --format json ou html)", "checks": "contrôles",
           "title": "Rapport de validation",
           "omitted": "{n} problème(s) non détaillé(s) : au-delà de {k} par type et par colonne, ils sont comptés "
                      "mais pas listés.",
           "warnings": "avertissement(s)"},
    "en": {"row": "row", "field": "column", "type": "error", "value": "value", "hint": "how to fix",
           "valid": "VALID", "invalid": "NOT VALID", "rows": "rows", "issues": "problem(s)",
           "more": "… and {n} more problems (see --format json or html)", "checks": "checks",
           "title": "Validation report",
           "omitted": "{n} problem(s) not itemised: past {k} per type and column, they are counted, not listed.",
           "warnings": "warning(s)"},
}


@dataclass
class Report:
    dataset: str
    source: str
    rows: int
    fields: dict[str, dict[str, Any]]  # schema field descriptors by name, for hints
    primary_key: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # the layers that actually ran
    encoding: str | None = None
    delimiter: str | None = None
    # Every issue found, by type, the ones not kept in ``issues`` included (budget.py).
    totals: Counter[str] = field(default_factory=Counter)

    @property
    def valid(self) -> bool:
        """Warnings (plausibility) are reported but do not make the data invalid."""
        return not self.errors

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.type not in WARNING_TYPES]

    @property
    def total(self) -> int:
        """Every problem found, warnings excluded, listed or not."""
        return sum(n for t, n in self.totals.items() if t not in WARNING_TYPES)

    @property
    def omitted(self) -> int:
        return sum(self.totals.values()) - len(self.issues)

    def add(self, check: str, issues: list[Issue]) -> None:
        self.checks.append(check)
        kept = bounded(issues)
        self.issues.extend(kept)
        self.totals.update(kept.totals)

    def counts(self) -> dict[str, int]:
        return dict(sorted((self.totals + Counter(i.type for i in self.issues if i.type not in self.totals)).items()))

    def _rows(self, lang: str) -> list[dict[str, Any]]:
        out = []
        for issue in self.issues:
            item = issue.to_dict()
            item.pop("hint_fr")
            item.pop("hint_en")
            item["hint"] = hint(issue, self.fields.get(issue.field_name or ""), lang, self.primary_key)
            if issue.type in CATALOGUE:
                item["title"] = CATALOGUE[issue.type].title_in(lang)
            out.append(item)
        return out

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {"dataset": self.dataset, "source": self.source, "valid": self.valid, "rows": self.rows,
                "encoding": self.encoding, "delimiter": self.delimiter, "checks": self.checks,
                "counts": self.counts(), "total": self.total, "omitted": self.omitted,
                "per_kind_limit": MAX_PER_KIND, "issues": self._rows(lang)}

    def to_json(self, lang: str = "fr") -> str:
        return json.dumps(self.to_dict(lang), ensure_ascii=False, indent=2)

    def to_text(self, lang: str = "fr", width: int = 140, color: bool = False) -> str:
        t = _LABELS[lang]
        buf = io.StringIO()
        # Every value from the data (file name, cells, labels, hints quoting them) goes in as a
        # Text: rich then parses no markup ("[/bold]" crashed the report) and no emoji code (":x:").
        console = Console(file=buf, width=width, force_terminal=color, color_system="standard" if color else None,
                          emoji=False, highlight=False)
        status = t["valid"] if self.valid else t["invalid"]
        warnings = sum(n for k, n in self.totals.items() if k in WARNING_TYPES)
        console.print(Text.assemble(
            (self.dataset, "bold"), f" — {self.source}: ", (status, "green" if self.valid else "red"),
            f" — {self.rows} {t['rows']}, {self.total} {t['issues']}",
            f", {warnings} {t['warnings']}" if warnings else "",
            f" ({t['checks']}: {', '.join(self.checks)})"))
        if self.issues:
            grid = RichTable(show_lines=False)
            for key in ("row", "field", "type", "value", "hint"):
                grid.add_column(t[key], overflow="fold")
            for item in self._rows(lang)[:TEXT_LIMIT]:
                where = item["field_name"] or (str(item["field_number"]) if item["field_number"] else "")
                grid.add_row(*(Text(v) for v in ("" if item["row"] is None else str(item["row"]), where,
                                                 item["type"], _short(item["value"]), item["hint"])))
            console.print(grid)
            if len(self.issues) > TEXT_LIMIT:
                console.print(Text(t["more"].format(n=len(self.issues) - TEXT_LIMIT)))
            if self.omitted:
                console.print(Text(t["omitted"].format(n=self.omitted, k=MAX_PER_KIND)))
        return buf.getvalue()

    def to_html(self, lang: str = "fr") -> str:
        t = _LABELS[lang]
        e = html.escape
        head = "".join(f"<th>{e(t[k])}</th>" for k in ("row", "field", "type", "value", "hint"))
        body = "".join(
            "<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in (
                "" if i["row"] is None else i["row"], i["field_name"] or i["field_number"] or "",
                i["type"], _short(i["value"]), i["hint"])) + "</tr>"
            for i in self._rows(lang))
        status = t["valid"] if self.valid else t["invalid"]
        return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
                f"<title>{e(t['title'])} — {e(self.dataset)}</title></head><body>"
                f"<h1>{e(t['title'])} — {e(self.dataset)}</h1>"
                f"<p>{e(self.source)} : <strong>{e(status)}</strong> — {self.rows} {e(t['rows'])}, "
                f"{self.total} {e(t['issues'])}</p>"
                + (f"<p>{e(t['omitted'].format(n=self.omitted, k=MAX_PER_KIND))}</p>" if self.omitted else "")
                + f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>")


def _short(value: str | None, limit: int = 60) -> str:
    if value is None:
        return ""
    value = value.replace("\n", "⏎")
    return value if len(value) <= limit else value[: limit - 1] + "…"
