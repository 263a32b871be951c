"""GET /donnees/<slug>/<release>/<file>: the files of public releases, with
their sha256 as ETag; 404 (never 500) for everything else."""

from __future__ import annotations

import hashlib

import pytest

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("with_plugins"),
]


def test_a_published_release_file_is_served_with_its_headers(app, published) -> None:
    slug, root = published["slug"], published["root"]
    entry = published["manifests"][2].get(f"{slug}.csv")
    response = app.get(f"/donnees/{slug}/2/{slug}.csv", status=200)
    body = (root / slug / "2" / f"{slug}.csv").read_bytes()
    assert response.data == body
    assert hashlib.sha256(response.data).hexdigest() == entry.sha256
    headers = response.headers
    assert headers["Content-Type"].startswith("text/csv")
    assert headers["Content-Disposition"] == f"attachment; filename={slug}.csv"
    assert headers["ETag"] == f'"{entry.sha256}"'
    assert int(headers["Content-Length"]) == entry.bytes == len(body)
    assert "'=1+1" in response.data.decode("utf-8") and "الدار البيضاء" in response.data.decode("utf-8")


@pytest.mark.parametrize("fmt", ["xlsx", "json", "parquet"])
def test_every_format_has_its_media_type(app, published, fmt) -> None:
    slug = published["slug"]
    entry = published["manifests"][2].get(f"{slug}.{fmt}")
    response = app.get(f"/donnees/{slug}/2/{slug}.{fmt}", status=200)
    assert response.headers["Content-Type"].split(";")[0] == entry.mediatype
    assert hashlib.sha256(response.data).hexdigest() == entry.sha256


def test_conditional_get_answers_304(app, published) -> None:
    slug = published["slug"]
    sha = published["manifests"][2].get(f"{slug}.json").sha256
    response = app.get(f"/donnees/{slug}/2/{slug}.json", headers={"If-None-Match": f'"{sha}"'}, status=304)
    assert response.data == b""
    # Another ETag: the whole file.
    app.get(f"/donnees/{slug}/2/{slug}.json", headers={"If-None-Match": '"other"'}, status=200)


def test_the_release_index_redirects_to_its_datapackage(app, published) -> None:
    slug = published["slug"]
    response = app.get(f"/donnees/{slug}/2/", status=302, follow_redirects=False)
    assert response.headers["Location"].endswith(f"/donnees/{slug}/2/datapackage.json")
    package = app.get(f"/donnees/{slug}/2/datapackage.json", status=200)
    assert package.headers["Content-Type"].startswith("application/json")
    assert package.json["version"] == "2"
    assert package.headers["ETag"] == f'"{hashlib.sha256(package.data).hexdigest()}"'


def test_an_older_withdrawn_release_stays_downloadable(app, published) -> None:
    slug = published["slug"]
    app.get(f"/donnees/{slug}/1/{slug}.parquet", status=200)
    app.get(f"/donnees/{slug}/1/", status=302, follow_redirects=False)


def test_a_built_but_unpublished_release_is_not_served(app, published) -> None:
    slug, root = published["slug"], published["root"]
    assert (root / slug / "3" / f"{slug}.csv").is_file()
    response = app.get(f"/donnees/{slug}/3/{slug}.csv", status=404)
    assert "Download not found" in response.body and "التحميل غير موجود" in response.body
    app.get(f"/donnees/{slug}/3/", status=404)


@pytest.mark.parametrize("path", [
    "{slug}/2/unknown.csv",  # not in the manifest
    "{slug}/2/.{slug}.csv",
    "{slug}/9/{slug}.csv",  # unknown release
    "inconnu/2/inconnu.csv",  # unknown dataset
    "{slug}/2/..",
    "{slug}/2/%2E%2E",
    "{slug}/2/..%2F..%2F..%2Fetc%2Fpasswd",
    "{slug}/2/../2/{slug}.csv",
    "..%2F{slug}/2/{slug}.csv",
    "{slug}/2/datapackage.json%00",
    "{slug}/0/{slug}.csv",
    "{slug}/2/{slug}.CSV",
])
def test_anything_else_is_404(app, published, path) -> None:
    slug = published["slug"]
    app.get("/donnees/" + path.format(slug=slug), status=404)


def test_the_404_page_in_arabic_and_french(app, published) -> None:
    body = app.get("/ar/donnees/inconnu/1/inconnu.csv", status=404).body
    assert "التحميل غير موجود" in body and "Téléchargement introuvable" in body
