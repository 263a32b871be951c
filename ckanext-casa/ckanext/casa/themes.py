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


# The data office (its name is ``ckanext.casa.data_office``): owner of the
# référentiels. Titles and descriptions in French, and in Arabic and English
# as group extras (logic/localized_groups.py shows them on those pages).
DATA_OFFICE: dict[str, str] = {
    "title": "Bureau des données de la Ville de Casablanca",
    "title_ar": "مكتب المعطيات لمدينة الدار البيضاء",
    "description": "Référentiels et gisement de données partagées de la Ville.",
    "description_ar": "المرجعيات ومخزون المعطيات المشتركة للمدينة.",
    "title_en": "Data office of the City of Casablanca",
    "description_en": "The City's reference data and shared datasets.",
}

# The organizations that publish on the portal, besides the data office:
# the owners named in datasets/*.yaml.
ORGANIZATIONS: list[dict[str, str]] = [
    {
        "name": "observatoire-urbain",
        "title": "Observatoire urbain de Casablanca",
        "title_ar": "المرصد الحضري للدار البيضاء",
        "description": "Recensements, indicateurs et études territoriales.",
        "description_ar": "الإحصاءات العامة والمؤشرات والدراسات الترابية.",
        "title_en": "Casablanca urban observatory",
        "description_en": "Censuses, indicators and territorial studies.",
    },
    {
        "name": "ville-de-casablanca",
        "title": "Ville de Casablanca — directions des services",
        "title_ar": "مدينة الدار البيضاء — مديريات المصالح",
        "description": "Équipements, services urbains, mobilité.",
        "description_ar": "التجهيزات والخدمات الحضرية والتنقل.",
        "title_en": "City of Casablanca — service departments",
        "description_en": "Public facilities, urban services, mobility.",
    },
]

# Fields kept as group extras, shown on Arabic and English pages.
LOCALIZED_EXTRAS = ("title_ar", "description_ar", "title_en", "description_en")
