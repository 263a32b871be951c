"""How other systems see the platform: DCAT-AP 3 (a ckanext-dcat profile),
feeds, the API's OpenAPI description, sitemap and robots, and the
référentiel units as linked data."""
