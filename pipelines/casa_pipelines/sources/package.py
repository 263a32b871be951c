"""``casa source export``: build a dataset's file from a package's data, as
its ``source.package`` block declares, so that the file then takes the same
path as any steward's file (validate, ingest, publish).

Nothing is fixed silently: every row left out (placeholder rows without a
value), every join without a match and every recoded key is counted in the
``Export`` result, which the CLI prints.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from casa_pipelines.errors import SourceError, SpecError
from casa_pipelines.referentials.errors import SourceError as PackageFileError
from casa_pipelines.referentials.sources.hcp_tables import table as package_table
from casa_pipelines.sources.package_spec import PackageSource
from casa_pipelines.spec import DatasetSpec

Row = dict[str, str | None]


@dataclass
class Export:
    header: list[str]
    rows: list[list[str]]
    read: int = 0  # rows of the main table
    selected: int = 0  # after `prefix` and `where`
    dropped_empty: Counter = field(default_factory=Counter)  # column -> placeholder rows dropped
    unmatched: Counter = field(default_factory=Counter)  # joined table -> rows without a match
    recoded: list[tuple[str, str]] = field(default_factory=list)  # (old, new)

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return out.getvalue()

    def summary(self, lang: str = "fr") -> list[str]:
        en = lang == "en"
        lines = [f"{self.read} rows read, {self.selected} selected, {len(self.rows)} written." if en else
                 f"{self.read} lignes lues, {self.selected} retenues, {len(self.rows)} écrites."]
        for column, n in sorted(self.dropped_empty.items()):
            lines.append(f"{n} rows left out: no value in {column} (placeholder rows of the source)." if en else
                         f"{n} lignes écartées : aucune valeur dans {column} (lignes vides de la source).")
        for name, n in sorted(self.unmatched.items()):
            lines.append(f"{n} rows without a match in {name}: its columns are left empty." if en else
                         f"{n} lignes sans correspondance dans {name} : ses colonnes restent vides.")
        if self.recoded:
            distinct = sorted(set(self.recoded))
            sample = ", ".join(f"{a}→{b}" for a, b in distinct[:3])
            lines.append(f"{len(distinct)} codes recoded in {len(self.recoded)} rows ({sample}…)." if en else
                         f"{len(distinct)} codes recodés dans {len(self.recoded)} lignes ({sample}…).")
        return lines


def export(spec: DatasetSpec) -> Export:
    source = spec.source.package
    if source is None:
        raise SpecError(f"{spec.path} : `source.package` absent : ce jeu de données vient d'un fichier déposé, "
                        "pas d'un paquet.",
                        f"{spec.path}: no `source.package`: this dataset comes from a steward's file, "
                        "not from a package.")
    return build(source, spec.path)


def build(source: PackageSource, where: Path) -> Export:
    key = "source.package"
    rows = _read(source.table, where, f"{key}.table")
    columns = _header(rows)
    _need(columns, list(source.prefix) + list(source.where) + source.drop_empty, source.table, where, key)
    result = Export(header=list(source.columns), rows=[], read=len(rows))
    kept = [r for r in rows
            if all((r[c] or "").startswith(p) for c, p in source.prefix.items())
            and all(r[c] in values for c, values in source.where.items())]
    result.selected = len(kept)
    for column in source.drop_empty:
        before = len(kept)
        kept = [r for r in kept if r[column] is not None]
        if before - len(kept):
            result.dropped_empty[column] = before - len(kept)
    available = set(columns)
    for i, join in enumerate(source.joins):
        jkey = f"{key}.join[{i}]"
        other = _read(join.table, where, f"{jkey}.table")
        other_columns = _header(other)
        _need(other_columns, join.on + list(join.where) + list(join.columns.values()), join.table, where, jkey)
        _need(columns, join.on, source.table, where, f"{jkey}.by")
        clash = sorted(set(join.columns) & available)
        if clash:
            raise _fail(where, f"{jkey}.columns", f"« {clash[0]} » existe déjà : choisissez un autre nom",
                        f"'{clash[0]}' already exists: choose another name")
        index: dict[tuple, Row] = {}
        for r in other:
            if all(r[c] in values for c, values in join.where.items()):
                k = tuple(r[c] for c in join.on)
                if k in index:
                    raise SourceError(f"{join.table} : plusieurs lignes pour {dict(zip(join.on, k))} : la jointure "
                                      "de `" + jkey + "` serait ambiguë ; précisez `where`.",
                                      f"{join.table}: several rows for {dict(zip(join.on, k))}: the join of `{jkey}` "
                                      "would be ambiguous; narrow it with `where`.")
                index[k] = r
        for r in kept:
            match = index.get(tuple(r[c] for c in join.on))
            if match is None:
                result.unmatched[join.table] += 1
            for new, old in join.columns.items():
                r[new] = match[old] if match else None
        available |= set(join.columns)
    if source.recode:
        _recode(source, kept, columns, result, where)
    missing = [(out, src) for out, src in source.columns.items() if src not in available]
    if missing:
        out, src = missing[0]
        raise _fail(where, f"{key}.columns.{out}", f"colonne « {src} » absente de {source.table} "
                    f"et des jointures (colonnes : {_listing(sorted(available))})",
                    f"column '{src}' is not in {source.table} nor added by a join "
                    f"(columns: {_listing(sorted(available))})")
    result.rows = [["" if r[src] is None else str(r[src]) for src in source.columns.values()] for r in kept]
    return result


def write(result: Export, output: Path) -> None:
    """Write through a temporary file so a failed export leaves no half file."""
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.part")
    tmp.write_text(result.to_csv(), encoding="utf-8", newline="")
    tmp.replace(output)


def _recode(source: PackageSource, rows: list[Row], columns: list[str], result: Export, where: Path) -> None:
    recode = source.recode
    assert recode is not None
    rkey = "source.package.recode"
    _need(columns, [recode.column], source.table, where, f"{rkey}.column")
    pairs = _read(recode.table, where, f"{rkey}.table")
    _need(_header(pairs), [recode.source, recode.target], recode.table, where, rkey)
    mapping = {p[recode.source]: p[recode.target] for p in pairs if p[recode.source] and p[recode.target]}
    for r in rows:
        old = r[recode.column]
        if old is not None and old in mapping and mapping[old] != old:
            r[recode.column] = mapping[old]
            result.recoded.append((old, str(mapping[old])))


def _read(name: str, where: Path, key: str) -> list[Row]:
    try:
        return package_table(name)
    except PackageFileError as exc:
        if "absent ou incomplet" in str(exc) and "No module" not in str(exc):
            raise _fail(where, key, f"fichier « {name} » introuvable dans le paquet", f"file '{name}' not found "
                        "in the package") from None
        raise SourceError(str(exc), f"Package data unreadable: {exc}") from None


def _header(rows: list[Row]) -> list[str]:
    return list(rows[0]) if rows else []


def _need(columns: list[str], wanted: list[str], table: str, where: Path, key: str) -> None:
    absent = [c for c in wanted if c not in columns]
    if absent:
        raise _fail(where, key, f"colonne « {absent[0]} » absente de {table} (colonnes : {_listing(columns)})",
                    f"column '{absent[0]}' is not in {table} (columns: {_listing(columns)})")


def _listing(columns: list[str]) -> str:
    return ", ".join(columns[:12]) + (f", … ({len(columns)})" if len(columns) > 12 else "")


def _fail(where: Path, key: str, fr: str, en: str) -> SpecError:
    return SpecError(f"{where} : `{key}` {fr}", f"{where}: `{key}` {en}")
