"""API quotas per client, kept in the test Redis: headers on every API
answer, a 429 with Retry-After past the quota, one quota per client (its
address, or the user of its token), sysadmins exempted, pages untouched."""

from __future__ import annotations

from typing import Any

import pytest

from ckan.lib.redis import connect_to_redis
from ckan.tests import factories, helpers

API = "/api/3/action/status_show"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa casa_search"),
    pytest.mark.ckan_config("ckanext.casa.rate_limit.enabled", True),
    pytest.mark.ckan_config("ckanext.casa.rate_limit.api", "3 per minute"),
    pytest.mark.usefixtures("clean_db", "clean_index", "fresh_counts"),
]


@pytest.fixture
def fresh_counts() -> None:
    redis = connect_to_redis()
    for key in redis.scan_iter("*casa_rate_limit*"):
        redis.delete(key)


def token_of(user: dict) -> str:
    return helpers.call_action("api_token_create", {"user": user["name"]}, user=user["name"], name="t")["token"]


def test_quota_headers_then_429(app: Any) -> None:
    remaining = []
    for _n in range(3):
        response = app.get(API)
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "3"
        assert int(response.headers["X-RateLimit-Reset"]) > 0
        remaining.append(int(response.headers["X-RateLimit-Remaining"]))
        assert "Retry-After" not in response.headers
    assert remaining == [2, 1, 0]
    refused = app.get(API)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.json["success"] is False
    assert "3 per 1 minute" in refused.json["error"]["message"]


def test_each_client_has_its_own_quota(app: Any) -> None:
    for _n in range(3):
        app.get(API)
    assert app.get(API).status_code == 429
    # A user's token: a quota of its own; pages are not limited.
    headers = {"Authorization": token_of(factories.User())}
    assert app.get(API, headers=headers).status_code == 200
    assert app.get("/dataset/").status_code == 200


def test_invented_tokens_count_against_the_address(app: Any) -> None:
    for n in range(3):
        assert app.get(API, headers={"Authorization": f"invented-{n}"}).status_code == 401
    assert app.get(API).status_code == 429


def test_sysadmins_are_exempt(app: Any) -> None:
    headers = {"Authorization": token_of(factories.Sysadmin())}
    assert all(app.get(API, headers=headers).status_code == 200 for _n in range(6))


@pytest.mark.ckan_config("ckanext.casa.rate_limit.exempt_sysadmins", False)
def test_sysadmin_exemption_can_be_turned_off(app: Any) -> None:
    headers = {"Authorization": token_of(factories.Sysadmin())}
    assert [app.get(API, headers=headers).status_code for _n in range(4)] == [200, 200, 200, 429]


@pytest.mark.ckan_config("ckanext.casa.rate_limit.proxies", 1)
def test_behind_a_proxy_the_forwarded_address_is_the_client(app: Any) -> None:
    one = {"X-Forwarded-For": "203.0.113.7"}
    # What a client writes itself before the proxy's entry is not trusted.
    spoofed = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    for _n in range(2):
        assert app.get(API, headers=one).status_code == 200
    assert app.get(API, headers=spoofed).status_code == 200
    assert app.get(API, headers=one).status_code == 429
    assert app.get(API, headers={"X-Forwarded-For": "203.0.113.8"}).status_code == 200
