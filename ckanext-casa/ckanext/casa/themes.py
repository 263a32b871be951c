"""The portal's themes: the five SDTN service categories plus one for the
référentiels and census data. They are CKAN groups."""

from __future__ import annotations

THEMES: list[dict[str, str]] = [
    {
        "name": "administration-participation",
        "title": "Services administratifs et participation citoyenne",
        "title_ar": "الخدمات الإدارية والمشاركة المواطنة",
        "title_en": "Administrative services and citizen participation",
    },
    {
        "name": "interet-general",
        "title": "Services d'intérêt général (culture, tourisme, sécurité publique)",
        "title_ar": "خدمات المصلحة العامة (الثقافة، السياحة، الأمن العمومي)",
        "title_en": "General-interest services (culture, tourism, public safety)",
    },
    {
        "name": "mobilite",
        "title": "Mobilité (transports, stationnement)",
        "title_ar": "التنقل (النقل، ركن السيارات)",
        "title_en": "Mobility (transport, parking)",
    },
    {
        "name": "services-urbains",
        "title": "Services urbains (déchets, mobilier urbain)",
        "title_ar": "الخدمات الحضرية (النفايات، الأثاث الحضري)",
        "title_en": "Urban services (waste, street furniture)",
    },
    {
        "name": "environnement",
        "title": "Environnement (pollution, espaces verts)",
        "title_ar": "البيئة (التلوث، المساحات الخضراء)",
        "title_en": "Environment (pollution, green spaces)",
    },
    {
        "name": "territoire-population",
        "title": "Territoire et population",
        "title_ar": "المجال الترابي والسكان",
        "title_en": "Territory and population",
    },
]
THEME_NAMES = [t["name"] for t in THEMES]


# The organizations that publish on the portal, besides the data office
# (``ckanext.casa.data_office``): the owners named in datasets/*.yaml.
ORGANIZATIONS: list[dict[str, str]] = [
    {
        "name": "observatoire-urbain",
        "title": "Observatoire urbain de Casablanca",
        "description": "المرصد الحضري للدار البيضاء. Recensements, indicateurs et études territoriales.",
    },
    {
        "name": "ville-de-casablanca",
        "title": "Ville de Casablanca — directions des services",
        "description": "مدينة الدار البيضاء، مديريات المصالح. Équipements, services urbains, mobilité.",
    },
]
