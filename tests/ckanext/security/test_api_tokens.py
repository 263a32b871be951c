"""A revoked or unknown API token is refused with a 401 and a message; it
is not served as the anonymous user."""

from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories, helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa casa_search"),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]

API = "/api/3/action/package_search"


def test_revoked_token_is_refused(app: Any) -> None:
    user = factories.User()
    token = helpers.call_action("api_token_create", {"user": user["name"]}, user=user["name"], name="t")["token"]
    assert app.get(API, headers={"Authorization": token}).status_code == 200
    jti = helpers.call_action("api_token_list", {"user": user["name"]}, user_id=user["name"])[0]["id"]
    helpers.call_action("api_token_revoke", {"user": user["name"]}, jti=jti)
    response = app.get(API, headers={"Authorization": token})
    assert response.status_code == 401
    # In the site's default language, French here.
    assert "révoqué" in response.json["error"]["message"]
    assert response.json["success"] is False


def test_unknown_token_is_refused_on_pages_too(app: Any) -> None:
    assert app.get("/dataset/", headers={"Authorization": "not-a-token"}).status_code == 401


def test_no_token_is_anonymous_and_basic_auth_is_left_to_the_proxy(app: Any) -> None:
    assert app.get(API).status_code == 200
    assert app.get(API, headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 200
