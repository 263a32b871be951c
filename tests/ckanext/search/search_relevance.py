"""The search relevance set (relevance.yaml) and its recall@10.

Shared by the tests (test_search_relevance.py) and ``make bench-search``:
both build the catalogue that ``make demo`` publishes (the census datasets
of ``datasets/*.yaml``, as ``casa publish`` writes them, and the two
référentiels, as ``casa_referential_publish`` writes them), ask every query
of the set through ``package_search`` and count, for each query, the share
of its expected datasets among the first 10 results.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
SET_FILE = Path(__file__).with_name("relevance.yaml")
# What scripts/demo.d/20-gisement.sh publishes.
CENSUS = [
    "population-2024", "population-2014", "education-2024", "emploi-2024",
    "deplacements-domicile-travail-2024", "logements-2024", "etablissements-2024",
]
SITE = "http://127.0.0.1:5000"
TOP = 10


@dataclass(frozen=True)
class Query:
    q: str
    lang: str
    find: tuple[str, ...]
    gap: str | None = None


@dataclass
class Outcome:
    query: Query
    found: list[str]

    @property
    def recall(self) -> float:
        return len(set(self.query.find) & set(self.found[:TOP])) / len(self.query.find)

    @property
    def missed(self) -> list[str]:
        return [name for name in self.query.find if name not in self.found[:TOP]]


def load_set(path: Path = SET_FILE) -> list[Query]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    names: dict[str, str] = raw["datasets"]
    groups: dict[str, list[str]] = raw.get("groups") or {}

    def expand(short: str) -> list[str]:
        if short in groups:
            return [names[s] for s in groups[short]]
        return [names[short]]

    queries = []
    for item in raw["queries"]:
        find = tuple(dict.fromkeys(n for short in item["find"] for n in expand(short)))
        queries.append(Query(str(item["q"]), item["lang"], find, item.get("gap")))
    return queries


def census_datasets() -> list[dict[str, Any]]:
    """The CKAN datasets of the census releases, built by the pipeline's own
    catalogue code from datasets/<slug>.yaml (release 1, no downloads)."""
    from casa_pipelines.catalogue.sync import package_dict
    from casa_pipelines.releases.record import Release
    from casa_pipelines.spec import load_spec

    out = []
    for slug in CENSUS:
        spec = load_spec(ROOT / "datasets" / f"{slug}.yaml", root=ROOT)
        when = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        release = Release(dataset=slug, number=1, sha256="0" * 64, rows=0, status="published",
                          staged_table=f"{slug}_1", source="relevance", created_at=when,
                          published_at=when, first_published_at=when)
        resource_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"relevance/{slug}"))
        out.append(package_dict(spec, [release], release, resource_id, {}, SITE))
    return out


def referential_datasets(data_office: str) -> list[dict[str, Any]]:
    """The référentiels' CKAN datasets, with the texts that
    ``casa_referential_publish`` writes (logic/referential_publish.py) for
    the versions ``make demo`` loads."""
    versions = {"territorial_units": ["2014", "2024"], "themes": ["2018"]}
    out = []
    for name, labels in versions.items():
        ref = yaml.safe_load((ROOT / "referentials" / name / "referential.yaml").read_text(encoding="utf-8"))
        attribution = " ".join(str(ref["attribution"]).split())
        out.append({
            "name": "referentiel-" + name.replace("_", "-"),
            "title": f"Référentiel : {ref['title_fr']}",
            "title_ar": f"مرجع : {ref['title_ar']}",
            "notes": f"{ref['title_fr']}. Versions : {', '.join(labels)}. Recherche par code, à une date, "
                     "et historique des codes par l'API (casa_unit_show, casa_unit_search, casa_unit_history)."
                     f" Source : {attribution}",
            "notes_ar": ref["title_ar"],
            "owner_org": data_office,
            "license_id": "cc-by",
            "frequency": "decennale" if name == "territorial_units" else "ponctuelle",
            "spatial_coverage": "MA",
            "attribution": attribution,
            "version": labels[-1],
            "groups": [{"name": "territoire-population"}],
            "tag_string": "référentiel",
            "resources": [
                {"name": f"{name} {label} ({fmt})", "name_ar": f"الإصدار {label} ({fmt})", "format": fmt,
                 "url": f"{SITE}/referentiels/{name}/{label}.{fmt.lower()}"}
                for label in reversed(labels) for fmt in ("CSV", "JSON")
            ],
        })
    return out


def create_catalogue() -> list[str]:
    """Create the organizations, themes and datasets (needs the casa,
    casa_search and scheming_datasets plugins); returns the dataset names."""
    import ckan.plugins.toolkit as tk

    from ckanext.casa.themes import ORGANIZATIONS, THEMES

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    office = tk.config.get("ckanext.casa.data_office")
    for org in [{"name": office, "title": "Bureau des données"}, *ORGANIZATIONS]:
        _ensure(context, "organization", {"name": org["name"], "title": org["title"]})
    for theme in THEMES:
        _ensure(context, "group", {"name": theme["name"], "title": theme["title"]})
    names = []
    for dataset in census_datasets() + referential_datasets(office):
        try:
            tk.get_action("package_show")(dict(context), {"id": dataset["name"]})
        except tk.ObjectNotFound:
            tk.get_action("package_create")(dict(context), dataset)
        names.append(dataset["name"])
    return names


def _ensure(context: dict[str, Any], kind: str, data: dict[str, Any]) -> None:
    import ckan.plugins.toolkit as tk

    try:
        tk.get_action(f"{kind}_show")(dict(context), {"id": data["name"]})
    except tk.ObjectNotFound:
        tk.get_action(f"{kind}_create")(dict(context), data)


def package_search_names(q: str) -> list[str]:
    import ckan.plugins.toolkit as tk

    result = tk.get_action("package_search")({"ignore_auth": True}, {"q": q, "rows": TOP})
    return [d["name"] for d in result["results"]]


def evaluate(search: Callable[[str], list[str]] = package_search_names,
             queries: list[Query] | None = None) -> list[Outcome]:
    return [Outcome(query, search(query.q)) for query in (queries or load_set())]


def recall_at_10(outcomes: list[Outcome]) -> float:
    """Mean over the queries of the share of expected datasets in the top 10."""
    return sum(o.recall for o in outcomes) / len(outcomes)


def summary(outcomes: list[Outcome]) -> str:
    lines = [f"recall@10 {recall_at_10(outcomes):.3f} over {len(outcomes)} queries"]
    for lang in ("fr", "ar", "en"):
        some = [o for o in outcomes if o.query.lang == lang]
        if some:
            lines.append(f"  {lang}: {recall_at_10(some):.3f} ({len(some)} queries)")
    for o in outcomes:
        if o.missed:
            lines.append(f"  missed {o.query.q!r}: {', '.join(o.missed)}" + (" (gap)" if o.query.gap else ""))
    return "\n".join(lines)
