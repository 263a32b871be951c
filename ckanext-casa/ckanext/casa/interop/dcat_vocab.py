"""The portal's vocabularies mapped to the EU vocabularies that DCAT-AP 3
names (Publications Office authority tables), and the portal's own SKOS
concept scheme of themes."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from ckanext.casa.themes import THEMES

AUTHORITY = "http://publications.europa.eu/resource/authority/"
EU_LICENCE = Namespace(AUTHORITY + "licence/")
EU_FREQUENCY = Namespace(AUTHORITY + "frequency/")
EU_THEME = Namespace(AUTHORITY + "data-theme/")
EU_FILE_TYPE = Namespace(AUTHORITY + "file-type/")
EU_LANGUAGE = Namespace(AUTHORITY + "language/")
IANA_MEDIA = "https://www.iana.org/assignments/media-types/"

# CKAN licence ids of the portal -> EU licence table.
LICENCES = {
    "cc-by": EU_LICENCE.CC_BY_4_0,
    "cc-by-sa": EU_LICENCE.CC_BYSA_4_0,
    "cc-zero": EU_LICENCE.CC0,
    "odc-odbl": EU_LICENCE.ODC_ODBL,
    "odc-by": EU_LICENCE.ODC_BY,
    "odc-pddl": EU_LICENCE.ODC_PDDL,
}
# The scheming schema's frequencies -> EU frequency table.
FREQUENCIES = {
    "ponctuelle": EU_FREQUENCY.IRREG,
    "quotidienne": EU_FREQUENCY.DAILY,
    "hebdomadaire": EU_FREQUENCY.WEEKLY,
    "mensuelle": EU_FREQUENCY.MONTHLY,
    "trimestrielle": EU_FREQUENCY.QUARTERLY,
    "annuelle": EU_FREQUENCY.ANNUAL,
    "decennale": EU_FREQUENCY.DECENNIAL,
}
# The portal's themes (SDTN categories) -> EU data themes: the nearest ones,
# published as skos:closeMatch (the categories are wider or narrower).
THEME_MATCHES = {
    "administration-participation": [EU_THEME.GOVE],
    "interet-general": [EU_THEME.EDUC, EU_THEME.JUST],
    "mobilite": [EU_THEME.TRAN],
    "services-urbains": [EU_THEME.REGI],
    "environnement": [EU_THEME.ENVI],
    "territoire-population": [EU_THEME.REGI, EU_THEME.SOCI],
}
# The EU data themes used above, with their official labels.
EU_THEME_LABELS = {
    "GOVE": ("Gouvernement et secteur public", "Government and public sector"),
    "EDUC": ("Éducation, culture et sport", "Education, culture and sport"),
    "JUST": ("Justice, système juridique et sécurité publique", "Justice, legal system and public safety"),
    "TRAN": ("Transports", "Transport"),
    "REGI": ("Régions et villes", "Regions and cities"),
    "ENVI": ("Environnement", "Environment"),
    "SOCI": ("Population et société", "Population and society"),
}
# Download formats of a release -> EU file types.
FILE_TYPES = {
    "csv": EU_FILE_TYPE.CSV,
    "xlsx": EU_FILE_TYPE.XLSX,
    "json": EU_FILE_TYPE.JSON,
    "geojson": EU_FILE_TYPE.GEOJSON,
    "parquet": EU_FILE_TYPE.PARQUET,
    "datapackage": EU_FILE_TYPE.JSON,
    "html": EU_FILE_TYPE.HTML,
}
LANGUAGES = {"fr": EU_LANGUAGE.FRA, "ar": EU_LANGUAGE.ARA}


def themes_scheme_uri(site: str) -> URIRef:
    return URIRef(f"{site.rstrip('/')}/vocabulaires/themes")


def theme_uri(site: str, name: str) -> URIRef:
    return URIRef(f"{themes_scheme_uri(site)}#{name}")


def add_themes_scheme(g: Graph, site: str) -> URIRef:
    """The portal's themes as a SKOS concept scheme, labelled in French,
    Arabic and English, each theme close to its EU data themes."""
    scheme = themes_scheme_uri(site)
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCTERMS.title, Literal("Thèmes de Casa Urban Data", lang="fr")))
    g.add((scheme, DCTERMS.title, Literal("مواضيع معطيات الدار البيضاء الحضرية", lang="ar")))
    g.add((scheme, DCTERMS.title, Literal("Casa Urban Data themes", lang="en")))
    for theme in THEMES:
        concept = theme_uri(site, theme["name"])
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.inScheme, scheme))
        g.add((scheme, SKOS.hasTopConcept, concept))
        g.add((concept, SKOS.notation, Literal(theme["name"])))
        g.add((concept, SKOS.prefLabel, Literal(theme["title"], lang="fr")))
        g.add((concept, SKOS.prefLabel, Literal(theme["title_ar"], lang="ar")))
        g.add((concept, SKOS.prefLabel, Literal(theme["title_en"], lang="en")))
        for match in THEME_MATCHES.get(theme["name"], []):
            g.add((concept, SKOS.closeMatch, match))
    return scheme


def add_eu_themes_scheme(g: Graph) -> URIRef:
    scheme = URIRef(AUTHORITY + "data-theme")
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCTERMS.title, Literal("Data theme", lang="en")))
    return scheme


def add_theme_concepts(g: Graph, site: str, name: str) -> None:
    """A dataset's theme: the portal's concept and its EU data themes, typed
    and labelled where the dataset names them (the shapes check classes)."""
    concept = theme_uri(site, name)
    g.add((concept, RDF.type, SKOS.Concept))
    for theme in THEMES:
        if theme["name"] == name:
            g.add((concept, SKOS.prefLabel, Literal(theme["title"], lang="fr")))
            g.add((concept, SKOS.prefLabel, Literal(theme["title_ar"], lang="ar")))
            g.add((concept, SKOS.inScheme, themes_scheme_uri(site)))
    for match in THEME_MATCHES.get(name, []):
        code = str(match).rsplit("/", 1)[-1]
        g.add((match, RDF.type, SKOS.Concept))
        g.add((match, SKOS.inScheme, URIRef(AUTHORITY + "data-theme")))
        fr, en = EU_THEME_LABELS[code]
        g.add((match, SKOS.prefLabel, Literal(fr, lang="fr")))
        g.add((match, SKOS.prefLabel, Literal(en, lang="en")))


def is_arabic(text: str) -> bool:
    """Whether a keyword is written in Arabic script (the portal's tags are
    French or Arabic words; the language tag follows the script)."""
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in text)
