"""The one validation report: every check's issues, rendered as text (rich),
JSON (for machines and releases) or HTML (stored with a release)."""

from __future__ import annotations

import html
import io
import json
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable

from casa_pipelines.validate.hints import hint
from casa_pipelines.validate.issue import Issue
from casa_pipelines.validate.issue_types import CATALOGUE

TEXT_LIMIT = 200  # a terminal is no place for 50,000 lines; JSON and HTML keep everything
_LABELS = {
    "fr": {"row": "ligne", "field": "colonne", "type": "erreur", "value": "valeur", "hint": "que faire",
           "valid": "VALIDE", "invalid": "NON VALIDE", "rows": "lignes", "issues": "problème(s)",
           "more": "… et {n} autres problèmes (voir --format json ou html)", "checks": "contrôles",
           "title": "Rapport de validation"},
    "en": {"row": "row", "field": "column", "type": "error", "value": "value", "hint": "how to fix",
           "valid": "VALID", "invalid": "NOT VALID", "rows": "rows", "issues": "problem(s)",
           "more": "… and {n} more problems (see --format json or html)", "checks": "checks",
           "title": "Validation report"},
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

    @property
    def valid(self) -> bool:
        return not self.issues

    def add(self, check: str, issues: list[Issue]) -> None:
        self.checks.append(check)
        self.issues.extend(issues)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for issue in self.issues:
            out[issue.type] = out.get(issue.type, 0) + 1
        return dict(sorted(out.items()))

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
                "counts": self.counts(), "issues": self._rows(lang)}

    def to_json(self, lang: str = "fr") -> str:
        return json.dumps(self.to_dict(lang), ensure_ascii=False, indent=2)

    def to_text(self, lang: str = "fr", width: int = 140, color: bool = False) -> str:
        t = _LABELS[lang]
        buf = io.StringIO()
        console = Console(file=buf, width=width, force_terminal=color, color_system="standard" if color else None)
        status = t["valid"] if self.valid else t["invalid"]
        console.print(f"[bold]{self.dataset}[/bold] — {self.source}: "
                      f"[{'green' if self.valid else 'red'}]{status}[/] — {self.rows} {t['rows']}, "
                      f"{len(self.issues)} {t['issues']} ({t['checks']}: {', '.join(self.checks)})")
        if self.issues:
            grid = RichTable(show_lines=False)
            for key in ("row", "field", "type", "value", "hint"):
                grid.add_column(t[key], overflow="fold")
            for item in self._rows(lang)[:TEXT_LIMIT]:
                where = item["field_name"] or (str(item["field_number"]) if item["field_number"] else "")
                grid.add_row("" if item["row"] is None else str(item["row"]), where, item["type"],
                             _short(item["value"]), item["hint"])
            console.print(grid)
            if len(self.issues) > TEXT_LIMIT:
                console.print(t["more"].format(n=len(self.issues) - TEXT_LIMIT))
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
                f"{len(self.issues)} {e(t['issues'])}</p>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>")


def _short(value: str | None, limit: int = 60) -> str:
    if value is None:
        return ""
    value = value.replace("\n", "⏎")
    return value if len(value) <= limit else value[: limit - 1] + "…"
