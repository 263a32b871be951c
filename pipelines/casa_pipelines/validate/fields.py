"""Compile Table Schema fields to DuckDB SQL over text cells.

Each expression reproduces frictionless-py's cell reader for that type
(``frictionless/fields/*.py``): the same strings are valid, cast to the same
values, and break the same constraints. Python's ``int``/``Decimal``/
``strptime`` accept Unicode digits; Arabic-Indic and Persian digits, the ones
met in Moroccan data, are translated to ASCII first. Digits of other scripts
are the one known divergence (frictionless accepts them, we report a type
error). Features the engine does not reproduce raise ``SpecError`` instead of
being approximated.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from casa_pipelines.errors import SpecError

# str.strip()/int() whitespace (str.isspace), as an RE2 class.
WS = r"[\t\n\x{0b}\f\r\x{1c}-\x{1f} \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
DIGITS_FROM = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
DIGITS_TO = "01234567890123456789"
INT_RE = r"[+-]?[0-9]+(?:_[0-9]+)*"
# Decimal() strips, then drops every underscore, then parses this grammar.
NUMBER_RE = r"(?i)[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?|inf(?:inity)?|s?nan[0-9]*)"
# strptime's own sub-patterns (Lib/_strptime.py), as RE2.
_STRPTIME = {"Y": r"([0-9]{4})", "m": r"(1[0-2]|0[1-9]|[1-9])", "d": r"(3[01]|[12][0-9]|0[1-9]|[1-9]| [1-9])",
             "y": r"([0-9]{2})"}
SUPPORTED_TYPES = ("string", "integer", "number", "boolean", "date", "year", "any")
SUPPORTED_CONSTRAINTS = {
    "string": ("required", "minLength", "maxLength", "pattern", "enum", "unique"),
    "integer": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum", "unique"),
    "number": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum", "unique"),
    "date": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum", "unique"),
    "year": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum", "unique"),
    "boolean": ("required", "enum", "unique"),
    "any": ("required", "unique"),
}
# frictionless checks constraints in each type's `supported_constraints` order.
_ORDER = ("required", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
          "pattern", "enum")
_OPS = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass
class CompiledField:
    """SQL for one field; ``{c}`` in the templates stands for the cell column."""

    name: str
    type: str
    descriptor: dict[str, Any]
    missing_values: list[str]
    valid_sql: str  # cell is of the type (cell present and not a missing value)
    value_sql: str  # the typed value, for constraints and keys
    constraints: list[tuple[str, str]] = field(default_factory=list)  # (name, SQL that is TRUE when broken)
    required: bool = False
    unique: bool = False
    # (test, value): where the test holds, the cell is valid iff value is not NULL.
    fast: tuple[str, str] | None = None

    def on(self, column: str) -> CompiledField:
        fmt = lambda s: s.replace("{c}", column)
        return CompiledField(self.name, self.type, self.descriptor, self.missing_values, fmt(self.valid_sql),
                             fmt(self.value_sql), [(n, fmt(s)) for n, s in self.constraints],
                             self.required, self.unique, (fmt(self.fast[0]), fmt(self.fast[1])) if self.fast else None)

    def typed(self, column: str, blank: str, fast: str | None) -> str:
        """SQL of the typed value of ``column`` (NULL where blank or invalid);
        ``fast`` names a column holding the fast test, computed once."""
        f = self.on(column)
        if f.fast is None:
            return f"(CASE WHEN {blank} THEN NULL WHEN {f.valid_sql} THEN {f.value_sql} END)"
        return (f"(CASE WHEN {blank} THEN NULL WHEN {fast or f.fast[0]} THEN {f.fast[1]} "
                f"WHEN {f.valid_sql} THEN {f.value_sql} END)")

    def type_ok(self, column: str, blank: str, value: str, fast: str | None) -> str:
        """SQL: the cell is blank or of the type, given its typed ``value``."""
        # CASE, not OR: DuckDB evaluates every operand of OR in a projection,
        # while a CASE branch only runs on the rows that reach it.
        f = self.on(column)
        if f.fast is None and f.valid_sql == "TRUE":
            return "TRUE"  # text: every cell is of the type
        if f.fast is None:
            return f"(CASE WHEN {blank} OR {value} IS NOT NULL THEN TRUE ELSE {f.valid_sql} END)"
        return (f"(CASE WHEN {blank} OR {value} IS NOT NULL THEN TRUE WHEN {fast or f.fast[0]} THEN FALSE "
                f"ELSE {f.valid_sql} END)")


def _strip(expr: str) -> str:
    return f"regexp_replace({expr}, '^{WS}+|{WS}+$', '', 'g')"


def _digits(expr: str) -> str:
    return f"translate({expr}, '{DIGITS_FROM}', '{DIGITS_TO}')"


def _python_pattern_to_re2(pattern: str) -> str:
    """Python's re: `\\d` is any Unicode digit; `\\uXXXX` is RE2's `\\x{XXXX}`."""
    unescaped = r"(?<!\\)((?:\\\\)*)"
    pattern = re.sub(unescaped + r"\\d", lambda m: m.group(1) + r"\p{Nd}", pattern)
    return re.sub(unescaped + r"\\u([0-9a-fA-F]{4})", lambda m: m.group(1) + "\\x{" + m.group(2) + "}", pattern)


def _python_int(value: Any) -> int | None:
    try:
        return int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        return None


def _strptime_regex(fmt: str, name: str) -> tuple[str, dict[str, int]]:
    out, groups, i, n = [], {}, 0, 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%" and i + 1 < len(fmt):
            d = fmt[i + 1]
            if d not in _STRPTIME or d in groups:
                raise SpecError(f"Champ « {name} » : format de date « {fmt} » non pris en charge (%{d}).",
                                f"Field '{name}': date format '{fmt}' is not supported (%{d}).")
            n += 1
            groups[d] = n
            out.append(_STRPTIME[d])
            i += 2
            continue
        out.append(r"\s+" if ch.isspace() else re.escape(ch))
        i += 1
    if not ({"Y", "y"} & groups.keys() and "m" in groups and "d" in groups):
        raise SpecError(f"Champ « {name} » : le format « {fmt} » doit donner l'année, le mois et le jour.",
                        f"Field '{name}': format '{fmt}' must give year, month and day.")
    return "(?i)" + "".join(out), groups


def _date_sql(fmt: str, name: str) -> tuple[str, str]:
    pattern = rf"(?i)([0-9]{{4}})-{_STRPTIME['m']}-{_STRPTIME['d']}"
    groups = {"Y": 1, "m": 2, "d": 3}
    if fmt != "default":
        pattern, groups = _strptime_regex(fmt, name)
    t = _digits("{c}")
    part = lambda k: f"TRY_CAST(trim(regexp_extract({t}, {lit(pattern)}, {groups[k]})) AS INTEGER)"
    year = part("Y") if "Y" in groups else f"(CASE WHEN {part('y')} < 69 THEN 2000 ELSE 1900 END + {part('y')})"
    ok = (f"(regexp_full_match({t}, {lit(pattern)}) AND {year} >= 1 AND "
          f"{part('d')} <= dayofmonth(last_day(make_date({year}, {part('m')}, 1))))")
    value = f"(CASE WHEN {ok} THEN make_date({year}, {part('m')}, {part('d')}) END)"
    return ok, value


def _number_text(desc: dict[str, Any]) -> tuple[str, str | None]:
    """The text Decimal() sees, and an SQL test that makes it a type error."""
    text = _digits(_strip("{c}"))
    if not {"groupChar", "decimalChar", "bareNumber"} & desc.keys():
        return text, None
    if desc.get("bareNumber", True) is False:
        text = f"regexp_replace(regexp_replace({text}, '^[^-0-9]*', ''), '[^0-9]*$', '')"
    group = desc.get("groupChar", "")
    if group:
        text = f"replace({text}, {lit(group)}, '')"
    decimal = desc.get("decimalChar", ".")
    broken = f"contains({text}, '.')" if decimal != "." else None
    if decimal != ".":
        text = f"replace({text}, {lit(decimal)}, '.')"
    return text, broken


# Plain ASCII cells (nearly all of them) take a cheap path: (test, typed value
# or NULL when the cell is not of the type). The full Python-compatible
# expressions only run on the rest.
_FAST = {
    "integer": (r"-?[0-9]{1,18}", "CAST({c} AS BIGINT)"),
    "number": (r"-?[0-9]{1,15}(\.[0-9]{1,15})?", "CAST({c} AS DOUBLE)"),
    "date": (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "(CASE WHEN {c} >= '0001' THEN TRY_CAST({c} AS DATE) END)"),
    "year": (r"[0-9]{4}", "CAST({c} AS INTEGER)"),
}


def _type_sql(desc: dict[str, Any], name: str) -> tuple[str, str, tuple[str, str] | None]:
    """(valid, value, fast): the full expressions, and the cheap path if any."""
    ftype = desc.get("type", "string")
    valid, value = _type_sql_full(desc, name)
    plain = not ({"groupChar", "decimalChar", "bareNumber"} & desc.keys()) and desc.get("format", "default") == "default"
    if ftype in _FAST and plain:
        pattern, fast_value = _FAST[ftype]
        return valid, value, (f"regexp_full_match({{c}}, {lit(pattern)})", fast_value)
    return valid, value, None


def _type_sql_full(desc: dict[str, Any], name: str) -> tuple[str, str]:
    ftype, fmt = desc.get("type", "string"), desc.get("format", "default")
    if ftype not in SUPPORTED_TYPES:
        raise SpecError(f"Champ « {name} » : type « {ftype} » non pris en charge par le moteur "
                        f"(types possibles : {', '.join(SUPPORTED_TYPES)}).",
                        f"Field '{name}': type '{ftype}' is not supported by the engine.")
    if ftype in ("string", "any"):
        if fmt != "default":
            raise SpecError(f"Champ « {name} » : format « {fmt} » non pris en charge ; utilisez un motif (pattern).",
                            f"Field '{name}': format '{fmt}' is not supported; use a pattern.")
        return "TRUE", "{c}"
    if ftype == "boolean":
        trues, falses = desc.get("trueValues", ["true", "True", "TRUE", "1"]), desc.get(
            "falseValues", ["false", "False", "FALSE", "0"])
        t = ", ".join(map(lit, trues)) or "NULL"
        f = ", ".join(map(lit, falses)) or "NULL"
        return f"({{c}} IN ({t}) OR {{c}} IN ({f}))", f"(CASE WHEN {{c}} IN ({t}) THEN TRUE WHEN {{c}} IN ({f}) THEN FALSE END)"
    if ftype == "integer":
        text = _digits(_strip("{c}"))
        if desc.get("bareNumber", True) is False:
            text = f"regexp_replace(regexp_replace({text}, '^[^-0-9]*', ''), '[^0-9]*$', '')"
        return (f"regexp_full_match({text}, {lit(INT_RE)})",
                f"TRY_CAST(replace({text}, '_', '') AS HUGEINT)")
    if ftype == "number":
        text, broken = _number_text(desc)
        text = f"replace({_strip(text)}, '_', '')"
        ok = f"regexp_full_match({text}, {lit(NUMBER_RE)})"
        if broken:
            ok = f"(NOT {broken} AND {ok})"
        return ok, f"TRY_CAST(regexp_replace({text}, '(?i)^([+-]?)s?nan[0-9]*$', 'nan') AS DOUBLE)"
    if ftype == "year":
        text = _digits("{c}")
        ok = (f"(length({{c}}) = 4 AND regexp_full_match({_strip(text)}, {lit(INT_RE)}) AND "
              f"TRY_CAST(replace({_strip(text)}, '_', '') AS INTEGER) BETWEEN 0 AND 9999)")
        return ok, f"TRY_CAST(replace({_strip(text)}, '_', '') AS INTEGER)"
    if fmt == "any":
        raise SpecError(f"Champ « {name} » : format de date « any » ambigu ; donnez un format explicite.",
                        f"Field '{name}': date format 'any' is ambiguous; give an explicit format.")
    return _date_sql(fmt, name)


def _typed_literal(ftype: str, desc: dict[str, Any], value: Any) -> str | None:
    """Cast a constraint value as frictionless does (with the field's reader);
    None when the reader rejects it, as frictionless then compares to None."""
    if ftype in ("integer", "year"):
        v = value if isinstance(value, int) and not isinstance(value, bool) else _python_int(value)
        return None if v is None else str(v)
    if ftype == "number":
        try:
            return f"CAST({lit(str(Decimal(str(value).strip())))} AS DOUBLE)"
        except InvalidOperation:
            return None
    if ftype == "date":
        fmt = desc.get("format", "default")
        try:
            d = value if isinstance(value, dt.date) else dt.datetime.strptime(
                str(value), "%Y-%m-%d" if fmt == "default" else fmt).date()
        except ValueError:
            return None
        return f"DATE {lit(d.isoformat())}"
    if ftype == "boolean":
        trues = desc.get("trueValues", ["true", "True", "TRUE", "1"])
        falses = desc.get("falseValues", ["false", "False", "FALSE", "0"])
        if value is True or value is False:
            return "TRUE" if value else "FALSE"
        return "TRUE" if value in trues else "FALSE" if value in falses else None
    return lit(value) if isinstance(value, str) else None


def compile_field(desc: dict[str, Any], schema_missing: list[str], primary_key: list[str]) -> CompiledField:
    name = desc.get("name")
    if not isinstance(name, str) or not name:
        raise SpecError("Un champ du schéma n'a pas de nom.", "A schema field has no name.")
    ftype = desc.get("type", "string")
    valid_sql, value_sql, fast = _type_sql(desc, name)
    constraints = desc.get("constraints") or {}
    allowed = SUPPORTED_CONSTRAINTS[ftype]
    for key in constraints:
        if key not in allowed:
            raise SpecError(f"Champ « {name} » ({ftype}) : contrainte « {key} » non prise en charge.",
                            f"Field '{name}' ({ftype}): constraint '{key}' is not supported.")
    compiled: list[tuple[str, str]] = []
    for key in _ORDER:
        if key not in constraints or key == "required":
            continue
        value = constraints[key]
        if key in ("minLength", "maxLength"):
            op = ">=" if key == "minLength" else "<="
            compiled.append((key, f"NOT (length({{v}}) {op} {int(value)})"))
        elif key in _OPS:
            bound = _typed_literal(ftype, desc, value)
            if bound is None:
                raise SpecError(f"Champ « {name} » : la borne {key} « {value} » n'est pas du type {ftype}.",
                                f"Field '{name}': bound {key} '{value}' is not of type {ftype}.")
            nan = " OR isnan({v})" if ftype == "number" else ""
            compiled.append((key, f"(NOT ({{v}} {_OPS[key]} {bound}){nan})"))
        elif key == "pattern":
            # Python's re: `\d` is Unicode, and `$` also matches before a final newline.
            py = _python_pattern_to_re2(str(value))
            rx = "\\A(?:^" + py + "\\n?\\z)"
            compiled.append((key, f"NOT regexp_matches({{v}}, {lit(rx)})"))
        elif key == "enum":
            items = [x for x in (_typed_literal(ftype, desc, v) for v in value) if x is not None]
            # OR chain: DuckDB plans a long IN list as a join.
            compiled.append((key, f"NOT ({' OR '.join(f'{{v}} = {x}' for x in items)})" if items else "TRUE"))
    value_col = "{v}"
    out = CompiledField(
        name=name, type=ftype, descriptor=desc,
        missing_values=list(desc.get("missingValues", schema_missing)),
        valid_sql=valid_sql, value_sql=value_sql,
        constraints=[(k, s.replace(value_col, "({val})")) for k, s in compiled],
        required=bool(constraints.get("required")), unique=bool(constraints.get("unique")), fast=fast,
    )
    del primary_key  # frictionless v5 does not make key fields required
    return out
