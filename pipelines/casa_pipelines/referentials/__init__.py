"""Référentiels: versioned reference data (territorial units, themes),
declared as data under ``referentials/<name>/``, validated, stored in the
datastore database and served by the CKAN actions ``casa_unit_*``."""
