import pytest

from ckan.tests import factories, helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa_search"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
]


@pytest.mark.usefixtures("clean_db")
def test_dataset_is_found_after_create():
    factories.Dataset(title="Rivers of Casablanca")
    factories.Dataset(title="Lakes")
    result = helpers.call_action("package_search", q="rivers")
    assert [d["title"] for d in result["results"]] == ["Rivers of Casablanca"]
