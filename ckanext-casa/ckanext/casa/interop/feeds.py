"""Atom feeds of new releases, in the language of the path they are read
under (``/ar/...`` in Arabic):

- ``/feeds/releases.atom``: every public dataset's releases, newest first;
- ``/dataset/<name>.atom``: one dataset's releases (ckanext-dcat's route,
  dispatched here by ``formats.check_format``).

Each entry is a release: it links to the dataset's page (``alternate``)
and to the release's validation report (``related``). Built with
Python's ElementTree (see ``render``)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from flask import make_response

import ckan.plugins.toolkit as tk

from ckanext.casa.interop.releases import PublicRelease, public_releases_of

LIMIT = 200  # entries in the site-wide feed
ATOM = "application/atom+xml; charset=utf-8"
ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPOCH = dt.datetime(2014, 9, 1, tzinfo=dt.UTC)


def language() -> str:
    lang = str(tk.h.lang() or "fr")
    return lang if lang in ("fr", "ar", "en") else "fr"


def title_of(pkg: dict[str, Any]) -> str:
    return (language() == "ar" and pkg.get("title_ar")) or pkg.get("title") or pkg["name"]


def site_feed() -> Any:
    context = {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}
    found = tk.get_action("package_search")(context, {"rows": 1000, "include_private": False})
    packages = {p["name"]: p for p in found["results"]}
    entries = [(packages[slug], r) for slug, rs in public_releases_of(list(packages)).items() for r in rs]
    entries.sort(key=lambda e: e[1].issued, reverse=True)
    return render(tk._("New releases"), tk.url_for("casa_interop.site_feed", _external=True),
                  entries[:LIMIT])


def dataset_feed(name: str) -> Any:
    context = {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}
    try:
        pkg = tk.get_action("package_show")(context, {"id": name})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    releases = public_releases_of([pkg["name"]]).get(pkg["name"], [])
    entries = [(pkg, r) for r in sorted(releases, key=lambda r: r.issued, reverse=True)]
    title = tk._("New releases: {title}").format(title=title_of(pkg))
    return render(title, tk.url_for("dcat.read_dataset", _id=pkg["name"], _format="atom", _external=True),
                  entries)


def render(title: str, self_url: str, entries: list[tuple[dict[str, Any], PublicRelease]]) -> Any:
    # Written with ElementTree rather than feedgen (which CKAN's feeds use):
    # feedgen 1.0.0 drops the rel, type and title of an entry's links, and
    # an entry needs two (the dataset page and the report).
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: language()})
    add(feed, "id", self_url)
    add(feed, "title", title)
    add(feed, "link", href=self_url, rel="self", type="application/atom+xml")
    add(feed, "link", href=tk.url_for("home.index", _external=True), rel="alternate", type="text/html")
    author = add(feed, "author")
    add(author, "name", str(tk.config.get("ckan.site_title") or "Casa Urban Data"))
    add(feed, "updated", stamp(entries[0][1].issued if entries else EPOCH))
    for pkg, release in entries:
        entry = add(feed, "entry")
        add(entry, "id", tk.url_for("casa_downloads.release_index", slug=release.slug, release=release.number,
                                    _external=True))
        add(entry, "title", tk._("{title}, release {number}").format(title=title_of(pkg), number=release.number))
        add(entry, "link", href=tk.url_for("dataset.read", id=pkg["name"], _external=True), rel="alternate",
            type="text/html")
        add(entry, "link", href=tk.url_for("casa_reports.report", slug=release.slug, number=release.number,
                                           fmt="html", _external=True),
            rel="related", type="text/html", title=tk._("Validation report"))
        add(entry, "published", stamp(release.issued))
        add(entry, "updated", stamp(release.issued))
        add(entry, "summary", tk._("Release {number}: {rows} rows, published on {date}.").format(
            number=release.number, rows=release.rows, date=release.issued.date().isoformat()))
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    response = make_response(body)
    response.headers["Content-Type"] = ATOM
    return response


def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def stamp(when: dt.datetime) -> str:
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).isoformat()
