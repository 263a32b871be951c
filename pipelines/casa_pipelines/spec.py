"""Dataset definitions: ``datasets/<slug>.yaml`` -> a typed ``DatasetSpec``.

The YAML is checked field by field so a steward who mistypes a key gets
"datasets/x.yaml: `ckan.title.ar` manquant" rather than a KeyError later.
Adding a dataset means adding files, never code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from casa_pipelines.errors import SpecError
from casa_pipelines.sources.package_spec import PackageSource, read_package
from casa_pipelines.spec_reader import Reader

FORMATS = ("csv", "xlsx", "geojson", "zip")
THEMES = (
    "administration-participation",
    "interet-general",
    "mobilite",
    "services-urbains",
    "environnement",
    "territoire-population",
)
FREQUENCIES = ("annual", "quarterly", "monthly", "weekly", "daily", "irregular", "decennial")


@dataclass(frozen=True)
class SourceSpec:
    format: str | None = None  # None: detected from the file name
    encoding: str | None = None  # None: detected, refused when unsure
    delimiter: str | None = None
    sheet: str | None = None
    member: str | None = None  # file inside a zip archive
    origin: str | None = None  # who hands the file over, for the record (in French)
    origin_ar: str | None = None  # the same in Arabic (a ``{fr, ar}`` mapping in the YAML)
    package: PackageSource | None = None  # the file is exported from a package's data


@dataclass(frozen=True)
class ReferentialSpec:
    columns: dict[str, str]  # column -> référentiel level (e.g. "commune")
    date_column: str | None = None
    date: dt.date | None = None  # a fixed "as of" date when rows carry none


@dataclass(frozen=True)
class Redaction:
    column: str
    below: float  # counts under this threshold are suppressed


@dataclass(frozen=True)
class PublicSpec:
    columns: list[str]
    filter: dict[str, list[str]] = field(default_factory=dict)  # column -> kept values
    redactions: list[Redaction] = field(default_factory=list)
    # Columns whose words go into the search column; None: every public text
    # column outside the primary key (identifiers are found by filters).
    search: list[str] | None = None


@dataclass(frozen=True)
class CkanSpec:
    title: dict[str, str]
    description: dict[str, str]
    organization: str
    theme: str
    license: str
    frequency: str
    tags: dict[str, list[str]]
    attribution: str | None = None  # the credit and what was changed, in French
    attribution_ar: str | None = None  # the same in Arabic (a ``{fr, ar}`` mapping in the YAML)
    coverage: str | None = None  # HCP code of the territorial unit the data covers (06: Casablanca-Settat)


@dataclass(frozen=True)
class DatasetSpec:
    slug: str
    path: Path
    source: SourceSpec
    schema_path: Path
    suite_path: Path | None
    referentials: ReferentialSpec | None
    public: PublicSpec
    ckan: CkanSpec


def load_spec(path: Path, root: Path | None = None) -> DatasetSpec:
    """Read and check one dataset definition; paths resolve against ``root``
    (the repository, by default the parent of ``datasets/``)."""
    path = Path(path)
    root = root or path.resolve().parent.parent
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"Jeu de données inconnu : {path} n'existe pas.", f"Unknown dataset: {path} does not exist.")
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path} : YAML illisible ({exc}).", f"{path}: unreadable YAML ({exc}).")
    r = Reader(path)
    data = r.mapping(raw, "(racine)")
    r.unknown(data, {"slug", "source", "schema", "suite", "referentials", "public", "ckan"}, "")
    slug = r.get(data, "slug", "", str)
    if slug != path.stem:
        raise r.fail("slug", f"« {slug} » doit être le nom du fichier « {path.stem} »",
                     f"'{slug}' must equal the file name '{path.stem}'")

    src = r.mapping(data.get("source"), "source", required=False)
    r.unknown(src, {"format", "encoding", "delimiter", "sheet", "member", "origin", "package"}, "source")
    fmt = r.get(src, "format", "source", str, required=False)
    if fmt is not None and fmt not in FORMATS:
        raise r.fail("source.format", f"doit être l'un de {FORMATS}", f"must be one of {FORMATS}")
    encoding = r.get(src, "encoding", "source", str, required=False)
    if encoding is not None:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise r.fail("source.encoding", f"encodage inconnu « {encoding} »", f"unknown encoding '{encoding}'")
    delimiter = r.get(src, "delimiter", "source", str, required=False)
    if delimiter is not None and len(delimiter) != 1:
        raise r.fail("source.delimiter", "doit être un seul caractère", "must be one character")
    package = read_package(r, src.get("package"))
    if package is not None:
        # `casa source export` writes UTF-8 CSV with commas: declare nothing else.
        for key, value, expected in (("format", fmt, "csv"), ("encoding", encoding, "utf-8"),
                                     ("delimiter", delimiter, ",")):
            if value is not None and value.lower() != expected:
                raise r.fail(f"source.{key}", f"doit être « {expected} » avec `source.package` (fichier exporté)",
                             f"must be '{expected}' with `source.package` (exported file)")
    source = SourceSpec(fmt, encoding, delimiter, r.get(src, "sheet", "source", str, required=False),
                        r.get(src, "member", "source", str, required=False),
                        *_localized(r, src, "origin", "source"), package)

    schema_path = _existing(r, root, r.get(data, "schema", "", str), "schema")
    suite = r.get(data, "suite", "", str, required=False)
    suite_path = _existing(r, root, suite, "suite") if suite else None

    return DatasetSpec(
        slug=slug, path=path, source=source, schema_path=schema_path, suite_path=suite_path,
        referentials=_referentials(r, data.get("referentials")),
        public=_public(r, data.get("public")), ckan=_ckan(r, data.get("ckan")),
    )


def find_spec(slug: str, datasets_dir: Path) -> DatasetSpec:
    return load_spec(datasets_dir / f"{slug}.yaml", root=datasets_dir.resolve().parent)


def _existing(r: Reader, root: Path, rel: str, key: str) -> Path:
    target = (root / rel).resolve()
    if not target.is_file():
        raise r.fail(key, f"fichier introuvable : {rel}", f"file not found: {rel}")
    return target


def _referentials(r: Reader, raw: Any) -> ReferentialSpec | None:
    if raw is None:
        return None
    data = r.mapping(raw, "referentials")
    r.unknown(data, {"columns", "date_column", "date"}, "referentials")
    columns = r.mapping(data.get("columns"), "referentials.columns")
    if not columns or not all(isinstance(k, str) and isinstance(v, str) for k, v in columns.items()):
        raise r.fail("referentials.columns", "doit associer des colonnes à des niveaux (texte)",
                     "must map column names to levels (text)")
    date_column = r.get(data, "date_column", "referentials", str, required=False)
    date = data.get("date")
    if date is not None and not isinstance(date, dt.date):
        raise r.fail("referentials.date", "doit être une date AAAA-MM-JJ", "must be a YYYY-MM-DD date")
    if (date_column is None) == (date is None):
        raise r.fail("referentials", "doit donner soit `date_column` soit `date`",
                     "must give exactly one of `date_column` or `date`")
    return ReferentialSpec(dict(columns), date_column, date)


def _public(r: Reader, raw: Any) -> PublicSpec:
    data = r.mapping(raw, "public")
    r.unknown(data, {"columns", "filter", "redactions", "search"}, "public")
    columns = r.get(data, "columns", "public", list)
    if not all(isinstance(c, str) for c in columns):
        raise r.fail("public.columns", "doit être une liste de noms de colonnes", "must be a list of column names")
    flt = r.mapping(data.get("filter"), "public.filter", required=False)
    for col, values in flt.items():
        if not isinstance(values, list):
            raise r.fail(f"public.filter.{col}", "doit être une liste de valeurs", "must be a list of values")
    redactions = []
    for i, item in enumerate(data.get("redactions") or []):
        item = r.mapping(item, f"public.redactions[{i}]")
        r.unknown(item, {"column", "below"}, f"public.redactions[{i}]")
        redactions.append(Redaction(r.get(item, "column", f"public.redactions[{i}]", str),
                                    r.get(item, "below", f"public.redactions[{i}]", float)))
    search = r.get(data, "search", "public", list, required=False)
    if search is not None and not all(isinstance(c, str) and c in columns for c in search):
        raise r.fail("public.search", "doit lister des colonnes de `public.columns`",
                     "must list columns of `public.columns`")
    return PublicSpec(columns, {k: [str(v) for v in vs] for k, vs in flt.items()}, redactions, search)


def _ckan(r: Reader, raw: Any) -> CkanSpec:
    data = r.mapping(raw, "ckan")
    allowed = {"title", "description", "organization", "theme", "license", "frequency", "tags", "attribution",
               "coverage"}
    r.unknown(data, allowed, "ckan")
    theme = r.get(data, "theme", "ckan", str)
    if theme not in THEMES:
        raise r.fail("ckan.theme", f"thème inconnu « {theme} » (attendu : {', '.join(THEMES)})",
                     f"unknown theme '{theme}' (expected: {', '.join(THEMES)})")
    frequency = r.get(data, "frequency", "ckan", str)
    if frequency not in FREQUENCIES:
        raise r.fail("ckan.frequency", f"doit être l'un de {FREQUENCIES}", f"must be one of {FREQUENCIES}")
    coverage = r.get(data, "coverage", "ckan", str, required=False)
    if coverage is not None and not re.fullmatch(r"[0-9]{2}(\.[0-9]{1,3}){0,4}", coverage):
        raise r.fail("ckan.coverage", f"« {coverage} » n'est pas un code HCP (exemple : 06 ou 06.141.01.0)",
                     f"'{coverage}' is not an HCP code (e.g. 06 or 06.141.01.0)")
    tags = r.mapping(data.get("tags"), "ckan.tags")
    r.unknown(tags, {"fr", "ar"}, "ckan.tags")
    for lang in ("fr", "ar"):
        value = r.get(tags, lang, "ckan.tags", list)
        if not value or not all(isinstance(t, str) and t.strip() for t in value):
            raise r.fail(f"ckan.tags.{lang}", "doit être une liste non vide de mots-clés",
                         "must be a non-empty list of keywords")
    return CkanSpec(
        title=r.bilingual(data, "title", "ckan"), description=r.bilingual(data, "description", "ckan"),
        organization=r.get(data, "organization", "ckan", str), theme=theme,
        license=r.get(data, "license", "ckan", str), frequency=frequency,
        tags={lang: list(tags[lang]) for lang in ("fr", "ar")},
        **dict(zip(("attribution", "attribution_ar"), _localized(r, data, "attribution", "ckan"))),
        coverage=coverage,
    )


def _localized(r: Reader, data: dict[str, Any], key: str, prefix: str) -> tuple[str | None, str | None]:
    """An optional text shown on the portal (``ckan.attribution``,
    ``source.origin``): French alone, or ``{fr, ar}`` so that Arabic pages
    show it in Arabic. Returns (French, Arabic or None)."""
    if isinstance(data.get(key), dict):
        both = r.bilingual(data, key, prefix)
        return both["fr"], both["ar"]
    return r.get(data, key, prefix, str, required=False), None
