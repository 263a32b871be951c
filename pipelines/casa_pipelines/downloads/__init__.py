"""The downloads of a published release (CSV, XLSX, JSON, GeoJSON, Parquet,
``datapackage.json``): ``build`` makes them once, ``manifest`` reads what a
release directory holds (the portal reads it too)."""
