"""Short fix hints for stewards, in French (default) and English.

Each hint says what to do, using the schema's own example value where there
is one, so the steward sees a correct value next to the wrong one.
"""

from __future__ import annotations

from typing import Any

from casa_pipelines.validate.issue import Issue
from casa_pipelines.validate.issue_types import CATALOGUE

_TYPE_FR = {"integer": "un nombre entier", "number": "un nombre", "date": "une date", "year": "une année (4 chiffres)",
            "boolean": "une valeur oui/non", "string": "du texte", "any": "une valeur"}
_TYPE_EN = {"integer": "a whole number", "number": "a number", "date": "a date", "year": "a year (4 digits)",
            "boolean": "a yes/no value", "string": "text", "any": "a value"}



def _field_hint(issue: Issue, field: dict[str, Any], lang: str) -> str:
    en = lang == "en"
    example = field.get("example")
    eg = (f" (e.g. {example})" if en else f" (exemple : {example})") if example is not None else ""
    ftype = field.get("type", "string")
    constraints = field.get("constraints") or {}
    if issue.type == "type-error":
        what = (_TYPE_EN if en else _TYPE_FR).get(ftype, ftype)
        fmt = field.get("format", "default")
        if ftype == "date":
            fmt = "YYYY-MM-DD" if fmt == "default" else fmt
            what += f" {fmt}" if en else f" au format {fmt.replace('YYYY-MM-DD', 'AAAA-MM-JJ')}"
        if ftype == "boolean":
            values = field.get("trueValues", ["true"]) + field.get("falseValues", ["false"])
            what += f" ({', '.join(values)})"
        return (f"Expected {what}{eg}; leave the cell empty if the value is unknown." if en else
                f"Attendu : {what}{eg} ; laissez la cellule vide si la valeur est inconnue.")
    if issue.type == "constraint-error":
        c, bound = issue.note, constraints.get(issue.note)
        allowed = ", ".join(map(str, bound))[:200] if isinstance(bound, list) else ""
        fr = {"required": "Valeur obligatoire : renseignez la cellule.",
              "minimum": f"Valeur inférieure au minimum {bound}.", "maximum": f"Valeur supérieure au maximum {bound}.",
              "exclusiveMinimum": f"La valeur doit être strictement supérieure à {bound}.",
              "exclusiveMaximum": f"La valeur doit être strictement inférieure à {bound}.",
              "minLength": f"Texte trop court : au moins {bound} caractères.",
              "maxLength": f"Texte trop long : au plus {bound} caractères.",
              "pattern": f"La valeur ne suit pas le motif attendu{eg}.",
              "enum": f"Valeur non permise ; valeurs possibles : {allowed}."}
        en_ = {"required": "Required value: fill in the cell.", "minimum": f"Value below the minimum {bound}.",
               "maximum": f"Value above the maximum {bound}.",
               "exclusiveMinimum": f"The value must be greater than {bound}.",
               "exclusiveMaximum": f"The value must be less than {bound}.",
               "minLength": f"Text too short: at least {bound} characters.",
               "maxLength": f"Text too long: at most {bound} characters.",
               "pattern": f"The value does not follow the expected pattern{eg}.",
               "enum": f"Value not allowed; allowed values: {allowed}."}
        return (en_ if en else fr).get(c, c)
    if issue.type == "incorrect-label":
        return (f"Rename the column '{issue.value}' to '{field.get('name')}' (or check the column order)." if en else
                f"Renommez la colonne « {issue.value} » en « {field.get('name')} » (ou vérifiez l'ordre des colonnes).")
    if issue.type == "missing-label":
        return (f"Column '{field.get('name')}' is missing: add it." if en else
                f"La colonne « {field.get('name')} » manque : ajoutez-la.")
    return ""


def hint(issue: Issue, field: dict[str, Any] | None, lang: str = "fr", primary_key: list[str] | None = None) -> str:
    en = lang == "en"
    if issue.hint_fr:
        return issue.hint_en if en and issue.hint_en else issue.hint_fr
    fixed = CATALOGUE[issue.type].hint if issue.type in CATALOGUE else None
    if fixed:
        return fixed[1 if en else 0]
    if issue.type == "primary-key":
        keys = ", ".join(primary_key or [])
        return (f"Empty or duplicate key ({keys}): each row needs its own key." if en else
                f"Clé vide ou en double ({keys}) : chaque ligne doit avoir sa propre clé.")
    if field is not None:
        text = _field_hint(issue, field, lang)
        if text:
            return text
    return issue.note
