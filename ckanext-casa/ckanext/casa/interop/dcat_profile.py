"""``casa_dcat_ap_3``: ckanext-dcat's DCAT-AP 3 profile, plus what the
portal knows that it cannot guess.

- Each CKAN dataset is a ``dcat:DatasetSeries``; each release that is or
  was public is a ``dcat:Dataset`` in it (``dcat:inSeries``), at the
  release's stable address ``/donnees/<slug>/<N>/``, with its issue date.
  Only the current release offers its files as distributions (size,
  media type, EU file type, a valid ``spdx:checksum``); a withdrawn
  (replaced) release stays in the series, without distributions.
- Titles, descriptions and keywords are tagged @fr and @ar (the schema's
  ``title_ar``/``notes_ar``; a keyword's language follows its script).
- Licence, frequency, themes and languages are EU vocabulary URIs; the
  themes are also concepts of the portal's own SKOS scheme
  (``/vocabulaires/themes``); the spatial coverage is the URI of the
  référentiel unit; the publisher and contact point are the organization.
- ckanext-dcat's mappings that do not fit are replaced: ``landingPage``
  (it took the ``url`` field, the source's PyPI page: now ``foaf:page``),
  ``dct:source`` (free text cut at commas: now a provenance statement),
  and the resources as distributions of the series.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, XSD, Namespace

import ckan.plugins.toolkit as tk

from ckanext.casa.interop import dcat_vocab as vocab
from ckanext.casa.interop.releases import PublicRelease, public_releases
from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile

# rdflib's DCAT namespace is DCAT 2's: it lacks DatasetSeries, inSeries, version...
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCAT_RESET = (RDF.type, DCTERMS.title, DCTERMS.description, DCAT.keyword, DCAT.landingPage, DCTERMS.source,
              DCTERMS.license, DCTERMS.accrualPeriodicity, DCAT.theme, DCTERMS.spatial, DCAT.distribution,
              DCAT.contactPoint, DCTERMS.publisher, DCTERMS.language, DCAT.version)
DATA_PACKAGE_SPEC = URIRef("https://specs.frictionlessdata.io/data-package/")
TABLE_SCHEMA_SPEC = URIRef("https://specs.frictionlessdata.io/table-schema/")


def site_url() -> str:
    return str(tk.config.get("ckan.site_url") or "").rstrip("/")


def release_uri(slug: str, number: int) -> URIRef:
    return URIRef(f"{site_url()}/donnees/{slug}/{number}/")


def unit_uri(code: str) -> URIRef:
    return URIRef(f"{site_url()}/referentiels/territoire/{code}")


class CasaDCATAP3Profile(EuropeanDCATAP3Profile):
    """DCAT-AP 3 with release series, in French and Arabic."""

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        super().graph_from_dataset(dataset_dict, dataset_ref)
        for predicate in DCAT_RESET:
            for obj in list(self.g.objects(dataset_ref, predicate)):
                self.g.remove((dataset_ref, predicate, obj))
                if predicate != RDF.type:
                    self._drop(obj)
        self._series(dataset_dict, dataset_ref)

    def graph_from_catalog(self, catalog_dict: dict[str, Any], catalog_ref: URIRef) -> None:
        super().graph_from_catalog(catalog_dict, catalog_ref)
        g, site = self.g, site_url()
        for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.language):
            g.remove((catalog_ref, predicate, None))
        title = str(tk.config.get("ckan.site_title") or "Casa Urban Data")
        g.add((catalog_ref, DCTERMS.title, Literal(title, lang="fr")))
        g.add((catalog_ref, DCTERMS.title, Literal("معطيات الدار البيضاء الحضرية", lang="ar")))
        g.add((catalog_ref, DCTERMS.description, Literal(
            "Les référentiels et les données partagées de la Ville de Casablanca.", lang="fr")))
        g.add((catalog_ref, DCTERMS.description, Literal(
            "المرجعيات والمعطيات المشتركة لمدينة الدار البيضاء.", lang="ar")))
        self._languages(catalog_ref)
        publisher = str(tk.config.get("ckanext.casa.data_office") or "")
        if publisher:
            self._publisher(catalog_ref, {"name": publisher})
        g.add((catalog_ref, DCAT.themeTaxonomy, vocab.add_themes_scheme(g, site)))
        g.add((catalog_ref, DCAT.themeTaxonomy, vocab.add_eu_themes_scheme(g)))
        for homepage in g.objects(catalog_ref, FOAF.homepage):
            g.add((homepage, RDF.type, FOAF.Document))

    # ------------------------------------------------------------ the series

    def _series(self, d: dict[str, Any], ref: URIRef) -> None:
        g, site = self.g, site_url()
        # Also a dcat:Dataset, as DCAT 3 entails (DatasetSeries is a subclass of
        # Dataset): the shapes check classes without inference.
        g.add((ref, RDF.type, DCAT.DatasetSeries))
        g.add((ref, RDF.type, DCAT.Dataset))
        self._texts(ref, DCTERMS.title, d.get("title"), d.get("title_ar"))
        self._texts(ref, DCTERMS.description, d.get("notes"), d.get("notes_ar"))
        for tag in d.get("tags") or []:
            name = tag.get("display_name") or tag.get("name")
            if name:
                g.add((ref, DCAT.keyword, Literal(name, lang="ar" if vocab.is_arabic(name) else "fr")))
        landing = URIRef(f"{site}/dataset/{d['name']}")
        g.add((ref, DCAT.landingPage, landing))
        g.add((landing, RDF.type, FOAF.Document))
        if d.get("url"):  # the source's own page
            page = URIRef(d["url"])
            g.add((ref, FOAF.page, page))
            g.add((page, RDF.type, FOAF.Document))
        self._statement(ref, DCTERMS.provenance, DCTERMS.ProvenanceStatement, d.get("source"), d.get("source_ar"))
        self._statement(ref, DCTERMS.rights, DCTERMS.RightsStatement, d.get("attribution"),
                        d.get("attribution_ar"))
        self._coverage(ref, d)
        self._languages(ref)
        org = d.get("organization") or {}
        if org.get("name"):
            self._publisher(ref, org)
        releases = public_releases(d["name"])
        members = [self._release(d, r, ref) for r in releases]
        for previous, member in pairwise(members):
            g.add((member, DCAT.prev, previous))
        if members:
            g.add((ref, DCAT.first, members[0]))
            g.add((ref, DCAT.last, members[-1]))
        current = [r for r in releases if r.current]
        if current:
            g.add((ref, DCAT.version, Literal(str(current[-1].number))))

    def _coverage(self, ref: URIRef, d: dict[str, Any]) -> None:
        g, site = self.g, site_url()
        licence = vocab.LICENCES.get(d.get("license_id") or "")
        if licence is not None:
            g.add((licence, RDF.type, DCTERMS.LicenseDocument))
        frequency = vocab.FREQUENCIES.get(d.get("frequency") or "")
        if frequency is not None:
            g.add((ref, DCTERMS.accrualPeriodicity, frequency))
            g.add((frequency, RDF.type, DCTERMS.Frequency))
        for group in d.get("groups") or []:
            name = group.get("name")
            if not name:
                continue
            g.add((ref, DCAT.theme, vocab.theme_uri(site, name)))
            for match in vocab.THEME_MATCHES.get(name, []):
                g.add((ref, DCAT.theme, match))
            vocab.add_theme_concepts(g, site, name)
        code = (d.get("spatial_coverage") or "").strip()
        if code:
            unit = unit_uri(code)
            g.add((ref, DCTERMS.spatial, unit))
            g.add((unit, RDF.type, DCTERMS.Location))

    # ------------------------------------------------------------ a release

    def _release(self, d: dict[str, Any], release: PublicRelease, series: URIRef) -> URIRef:
        g, site, slug, n = self.g, site_url(), d["name"], release.number
        ref = release_uri(slug, n)
        g.add((ref, RDF.type, DCAT.Dataset))
        g.add((ref, DCAT.inSeries, series))
        title, title_ar = d.get("title"), d.get("title_ar") or d.get("title")
        self._texts(ref, DCTERMS.title, f"{title} (version {n})", f"{title_ar} (الإصدار {n})")
        when = release.issued.date().isoformat()
        self._texts(ref, DCTERMS.description,
                    f"Version {n} de « {title} », publiée le {when} : {release.rows} lignes, "
                    f"contenu d'empreinte sha256 {release.sha256}.",
                    f"الإصدار {n} من « {title_ar} »، نُشر في {when}: {release.rows} سطرا، "
                    f"بصمة المحتوى sha256 {release.sha256}.")
        g.add((ref, DCTERMS.issued, Literal(release.issued.isoformat(), datatype=XSD.dateTime)))
        g.add((ref, DCAT.version, Literal(str(n))))
        report = URIRef(f"{site}/donnees/{slug}/{n}/rapport-validation.html")
        g.add((ref, DCAT.landingPage, report))
        g.add((report, RDF.type, FOAF.Document))
        for predicate in (DCTERMS.accrualPeriodicity, DCAT.theme, DCTERMS.spatial, DCTERMS.publisher,
                          DCAT.contactPoint, DCTERMS.language):
            for obj in self.g.objects(series, predicate):
                g.add((ref, predicate, obj))
        if release.current and release.manifest is not None:
            for f in release.manifest.files:
                self._distribution(ref, d, release, f)
        return ref

    def _distribution(self, release_ref: URIRef, d: dict[str, Any], release: PublicRelease, f: Any) -> None:
        g, site, slug, n = self.g, site_url(), d["name"], release.number
        url = URIRef(f"{site}/donnees/{slug}/{n}/{f.name}")
        g.add((release_ref, DCAT.distribution, url))
        g.add((url, RDF.type, DCAT.Distribution))
        label = "Data Package" if f.format == "datapackage" else f.format.upper()
        self._texts(url, DCTERMS.title, f"Version {n} ({label})", f"الإصدار {n} ({label})")
        g.add((url, DCAT.accessURL, url))
        g.add((url, DCAT.downloadURL, url))
        file_type = vocab.FILE_TYPES.get(f.format)
        if file_type is not None:
            g.add((url, DCTERMS["format"], file_type))
            g.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
        media = URIRef(vocab.IANA_MEDIA + f.mediatype)
        g.add((url, DCAT.mediaType, media))
        g.add((media, RDF.type, DCTERMS.MediaType))
        g.add((url, DCAT.byteSize, Literal(int(f.bytes), datatype=XSD.nonNegativeInteger)))
        checksum = BNode()
        g.add((url, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
        g.add((checksum, SPDX.checksumValue, Literal(f.sha256, datatype=XSD.hexBinary)))
        g.add((url, DCTERMS.issued, Literal(release.issued.isoformat(), datatype=XSD.dateTime)))
        licence = vocab.LICENCES.get(d.get("license_id") or "")
        if licence is not None:
            g.add((url, DCTERMS.license, licence))
        standard = {"csv": URIRef(f"{site}/donnees/{slug}/{n}/tableschema.json"),
                    "datapackage": DATA_PACKAGE_SPEC}.get(f.format)
        if standard is not None:
            g.add((url, DCTERMS.conformsTo, standard))
            g.add((standard, RDF.type, DCTERMS.Standard))

    # ------------------------------------------------------------ helpers

    def _texts(self, ref: URIRef, predicate: URIRef, fr: str | None, ar: str | None) -> None:
        if fr:
            self.g.add((ref, predicate, Literal(fr, lang="fr")))
        if ar:
            self.g.add((ref, predicate, Literal(ar, lang="ar")))

    def _statement(self, ref: URIRef, predicate: URIRef, kind: URIRef, fr: str | None, ar: str | None) -> None:
        if not (fr or ar):
            return
        node = BNode()
        self.g.add((ref, predicate, node))
        self.g.add((node, RDF.type, kind))
        self._texts(node, RDFS.label, fr, ar)

    def _languages(self, ref: URIRef) -> None:
        for language in vocab.LANGUAGES.values():
            self.g.add((ref, DCTERMS.language, language))
            self.g.add((language, RDF.type, DCTERMS.LinguisticSystem))

    def _publisher(self, ref: URIRef, org: dict[str, Any]) -> None:
        """The organization as publisher (foaf:Agent) and contact point
        (vcard:Organization), named in French and Arabic."""
        g, site = self.g, site_url()
        try:
            shown = tk.get_action("organization_show")({"ignore_auth": True}, {"id": org["name"]})
        except (tk.ObjectNotFound, tk.ValidationError):
            shown = org
        agent = URIRef(f"{site}/organization/{shown['name']}")
        g.add((ref, DCTERMS.publisher, agent))
        g.add((agent, RDF.type, FOAF.Agent))
        g.add((agent, RDF.type, FOAF.Organization))
        extras = {e.get("key"): e.get("value") for e in shown.get("extras") or []}
        title_ar = shown.get("title_ar") or extras.get("title_ar")
        self._texts(agent, FOAF.name, shown.get("title") or shown["name"], title_ar)
        contact = URIRef(f"{agent}#contact")
        g.add((ref, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, RDF.type, VCARD.Organization))
        self._texts(contact, VCARD.fn, shown.get("title") or shown["name"], title_ar)
        g.add((contact, VCARD.hasURL, agent))

    def _drop(self, node: Any) -> None:
        """Remove what ckanext-dcat hung under a value we replace (its
        distributions, checksums, publisher and contact nodes)."""
        if isinstance(node, Literal):
            return
        if isinstance(node, URIRef) and any(True for _ in self.g.subjects(None, node)):
            return  # still referred to (a shared URI such as the organization)
        for predicate, obj in list(self.g.predicate_objects(node)):
            self.g.remove((node, predicate, obj))
            self._drop(obj)
