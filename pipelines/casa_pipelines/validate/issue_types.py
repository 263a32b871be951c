"""The catalogue of issue types, one entry per type, as frictionless declares
its error classes: what the type is called, how an issue of that type is
worded, the fix hint when it does not depend on the field, where it sorts
among the issues of one cell, and whether a steward may waive it.

The engine orders issues by ``rank``, the hints read ``hint``, the gate
reads ``waivable``, the reports read ``title``.
"""

from __future__ import annotations

from dataclasses import dataclass

# A rank after every declared one, for a type that sorts last.
LAST = 99


@dataclass(frozen=True)
class IssueType:
    type: str
    title: tuple[str, str]  # (fr, en)
    template: tuple[str, str]  # (fr, en), with {row}, {field}, {value}, {note}
    # (fr, en) when the hint is the same for every issue of the type; None
    # when it depends on the field (hints.py) or the check words its own.
    hint: tuple[str, str] | None = None
    rank: int = LAST
    # Only semantic checks can be waived: their data was typed and staged, and
    # a steward can judge that a known quirk is acceptable. A file that breaks
    # its Table Schema or its geometry is not even staged.
    waivable: bool = False

    def title_in(self, lang: str) -> str:
        return self.title[1 if lang == "en" else 0]


# The order of the issues found in one cell: structure first, as frictionless
# reports them (geometry and semantic checks sort after every cell check).
_RANKED = ("blank-header", "extra-label", "missing-label", "blank-label", "duplicate-label", "incorrect-label",
           "blank-row", "type-error", "constraint-error", "integer-out-of-range", "formula-cell", "date-implausible",
           "extra-cell",
           "missing-cell", "unique-error", "primary-key")

def _t(type_: str, title: tuple[str, str], template: tuple[str, str], hint: tuple[str, str] | None = None,
       *, waivable: bool = False) -> IssueType:
    return IssueType(type_, title, template, hint, _RANKED.index(type_) if type_ in _RANKED else LAST, waivable)


_TYPES = [
    # Header and structure, in the order frictionless reports them in a cell.
    _t("blank-header", ("En-tête vide", "Blank header"), ("Le fichier n'a pas d'en-tête.", "The file has no header."),
       ("Pas d'en-tête : la première ligne doit nommer les colonnes.",
        "No header: the first row must name the columns.")),
    _t("extra-label", ("Colonne en trop", "Extra label"),
       ("Colonne « {value} » non prévue par le schéma.", "Column '{value}' is not in the schema."),
       ("Colonne non prévue par le schéma : supprimez-la ou faites évoluer le schéma.",
        "Column not in the schema: delete it or change the schema.")),
    _t("missing-label", ("Colonne manquante", "Missing label"),
       ("La colonne « {field} » manque.", "Column '{field}' is missing.")),
    _t("blank-label", ("Colonne sans nom", "Blank label"),
       ("La colonne {note} n'a pas de nom.", "Column {note} has no name."),
       ("Colonne sans nom : donnez-lui le nom attendu.", "Unnamed column: give it the expected name.")),
    _t("duplicate-label", ("Nom de colonne en double", "Duplicate label"),
       ("Le nom de colonne « {value} » est en double.", "Column name '{value}' is repeated."),
       ("Nom de colonne en double : renommez l'une des deux.", "Duplicate column name: rename one of them.")),
    _t("incorrect-label", ("Nom de colonne inattendu", "Incorrect label"),
       ("Colonne « {value} » où le schéma attend « {field} ».", "Column '{value}' where the schema expects '{field}'.")),
    _t("blank-row", ("Ligne vide", "Blank row"), ("La ligne {row} est vide.", "Row {row} is blank."),
       ("Ligne vide : supprimez-la.", "Blank row: delete it.")),
    # Cells.
    _t("type-error", ("Type incorrect", "Type error"),
       ("Ligne {row}, colonne « {field} » : « {value} » n'est pas du type attendu.",
        "Row {row}, column '{field}': '{value}' is not of the expected type.")),
    _t("constraint-error", ("Contrainte non respectée", "Constraint error"),
       ("Ligne {row}, colonne « {field} » : « {value} » ne respecte pas la contrainte {note}.",
        "Row {row}, column '{field}': '{value}' breaks the {note} constraint.")),
    _t("integer-out-of-range", ("Entier hors plage", "Integer out of range"),
       ("Ligne {row}, colonne « {field} » : « {value} » dépasse les entiers enregistrables.",
        "Row {row}, column '{field}': '{value}' is beyond the integers that can be stored."),
       (("Entier hors de la plage enregistrable (±9 223 372 036 854 775 807) : un identifiant ou un code ? "
        "Déclarez alors la colonne en texte (type string) dans le schéma."),
        ("Integer beyond what can be stored (±9,223,372,036,854,775,807): an identifier or a code? Then declare "
        "the column as text (type string) in the schema."))),
    _t("formula-cell", ("Cellule de formule", "Formula cell"),
       ("Ligne {row}, colonne « {field} » : la cellule commence comme une formule.",
        "Row {row}, column '{field}': the cell starts like a formula."),
       (("Cellule commençant comme une formule de tableur (=, +, -, @, tabulation ou retour chariot) : "
         "retirez ce premier caractère ou vérifiez la valeur."),
        ("Cell starting like a spreadsheet formula (=, +, -, @, tab or carriage return): remove that "
         "first character or check the value."))),
    _t("date-implausible", ("Date peu plausible", "Implausible date"),
       ("Ligne {row}, colonne « {field} » : la date « {value} » est hors de 1800-2100.",
        "Row {row}, column '{field}': the date '{value}' is outside 1800-2100."),
       (("Avertissement : date hors de 1800-2100, valide mais peu plausible (faute de frappe, valeur "
         "bouche-trou comme 9999-12-31 ?) ; laissez la cellule vide si la date est inconnue."),
        ("Warning: date outside 1800-2100, valid but unlikely (a typing slip, a placeholder such as "
         "9999-12-31?); leave the cell empty if the date is unknown."))),
    _t("extra-cell", ("Cellule en trop", "Extra cell"),
       ("Ligne {row} : plus de cellules que de colonnes.", "Row {row}: more cells than columns."),
       ("Cellule en trop : un séparateur dans une valeur non entourée de guillemets ?",
        "Extra cell: a delimiter inside a value that is not quoted?")),
    _t("missing-cell", ("Cellule manquante", "Missing cell"),
       ("Ligne {row} : moins de cellules que de colonnes.", "Row {row}: fewer cells than columns."),
       ("Ligne trop courte : il manque des cellules ; vérifiez les séparateurs et les guillemets.",
        "Row too short: cells are missing; check delimiters and quotes.")),
    _t("unique-error", ("Valeur en double", "Unique error"),
       ("Ligne {row}, colonne « {field} » : « {value} » apparaît déjà.",
        "Row {row}, column '{field}': '{value}' already appears."),
       ("Valeur en double : elle doit être unique dans la colonne.",
        "Duplicate value: it must be unique in the column.")),
    _t("primary-key", ("Clé primaire", "Primary key error"),
       ("Ligne {row} : clé vide ou en double ({value}).", "Row {row}: empty or duplicate key ({value}).")),
    # The table as a whole.
    _t("no-rows", ("Aucune ligne", "No rows"), ("Le fichier n'a aucune ligne de données.", "The file has no data rows."),
       ("Le fichier n'a aucune ligne de données.", "The file has no data rows.")),
    # Geometries: each issue words its own hint.
    _t("geometry-missing", ("Géométrie absente", "Missing geometry"),
       ("Ligne {row} : entité sans géométrie.", "Row {row}: feature without a geometry.")),
    _t("geometry-invalid", ("Géométrie non valide", "Invalid geometry"),
       ("Ligne {row} : géométrie non valide ({value}).", "Row {row}: invalid geometry ({value}).")),
    _t("geometry-projected", ("Coordonnées projetées", "Projected coordinates"),
       ("Ligne {row} : coordonnées projetées ({value}), pas en degrés.",
        "Row {row}: projected coordinates ({value}), not degrees.")),
    _t("geometry-swapped", ("Coordonnées inversées", "Swapped coordinates"),
       ("Ligne {row} : latitude et longitude inversées ({value}).", "Row {row}: latitude and longitude swapped ({value}).")),
    _t("geometry-outside", ("Hors du territoire", "Outside the territory"),
       ("Ligne {row} : point hors du territoire ({value}).", "Row {row}: point outside the territory ({value}).")),
    # Semantic checks, on the staged rows: the only waivable ones.
    _t("expectation-failed", ("Règle métier non respectée", "Expectation failed"),
       ("Colonne « {field} » : la règle {note} n'est pas respectée.", "Column '{field}': rule {note} is not met."),
       waivable=True),
    _t("expectation-error", ("Règle métier non exécutée", "Expectation error"),
       ("La règle {note} n'a pas pu s'exécuter.", "Rule {note} could not run.")),
    _t("referential-unknown-code", ("Code inconnu du référentiel", "Code unknown to the référentiel"),
       ("Ligne {row}, colonne « {field} » : « {value} » n'est pas un code du référentiel {note} à cette date.",
        "Row {row}, column '{field}': '{value}' is not a code of the {note} référentiel at that date."),
       waivable=True),
]

CATALOGUE: dict[str, IssueType] = {t.type: t for t in _TYPES}
WAIVABLE = tuple(name for name, t in CATALOGUE.items() if t.waivable)
# Reported, but the data stays valid: a plausibility doubt, not a broken rule.
WARNING_TYPES = frozenset({"date-implausible"})


def rank(type_: str) -> int:
    t = CATALOGUE.get(type_)
    return t.rank if t else LAST


def waivable(type_: str) -> bool:
    t = CATALOGUE.get(type_)
    return bool(t and t.waivable)
