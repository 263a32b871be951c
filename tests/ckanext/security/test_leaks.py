"""What private, draft, deleted and purged datasets gave away through core
actions, and no longer do: each dataset carries a canary word (a tag, a
resource format, its title) that the anonymous user and non-members must
never see; members and sysadmins still do."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ckan.tests import factories, helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search activity"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_request_context"),
]

HIDDEN = ("private", "draft", "deleted", "purged")


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    """The suite's ``clean_db``, plus the activity plugin's tables."""
    reset_db()
    migrate_db_for("casa_search")
    migrate_db_for("activity")


def anonymous(action: str, **data_dict: Any) -> Any:
    return helpers.call_action(action, {"user": "", "ignore_auth": False}, **data_dict)


def as_user(user: dict, action: str, **data_dict: Any) -> Any:
    return helpers.call_action(action, {"user": user["name"], "ignore_auth": False}, **data_dict)


def dataset(org: dict, word: str, **extra: Any) -> dict:
    return factories.Dataset(
        user=org["_creator"], owner_org=org["id"], name=f"ds-{word}", title=f"Title canary{word}",
        tags=[{"name": f"canary{word}"}],
        resources=[{"url": f"http://example.org/canary{word}.csv", "format": f"FMT{word.upper()}"}],
        **extra)


@pytest.fixture
def world() -> dict[str, Any]:
    admin = factories.Sysadmin()
    member = factories.User()
    outsider = factories.User()
    org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
    # The datasets' author (an activity needs one): a sysadmin, so that
    # user_activity_list of this user shows every kind of dataset.
    org["_creator"] = admin
    other_org = factories.Organization(users=[{"name": outsider["name"], "capacity": "member"}])
    public = dataset(org, "public")
    private = dataset(org, "private", private=True)
    draft = dataset(org, "draft", state="draft")
    # Deleted and purged after being public: their earlier activities were
    # recorded with the label "public".
    deleted = dataset(org, "deleted")
    purged = dataset(org, "purged")
    helpers.call_action("package_delete", {"user": admin["name"]}, id=deleted["id"])
    helpers.call_action("dataset_purge", {"user": admin["name"]}, id=purged["id"])
    return {"admin": admin, "member": member, "outsider": outsider, "org": org, "other_org": other_org,
            "public": public, "private": private, "draft": draft, "deleted": deleted, "purged": purged}


def canaries(answer: Any, words: tuple[str, ...] = HIDDEN) -> list[str]:
    text = json.dumps(answer, default=str).lower()
    return [w for w in words if f"canary{w}" in text or f"fmt{w}" in text or f"ds-{w}" in text]


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_tags_and_formats_of_hidden_datasets_stay_hidden(world: dict, who: str) -> None:
    call = anonymous if who == "anonymous" else (lambda a, **d: as_user(world["outsider"], a, **d))
    assert call("tag_list") == ["canarypublic"]
    assert call("tag_list", query="canary") == ["canarypublic"]
    assert [t["name"] for t in call("tag_list", all_fields=True)] == ["canarypublic"]
    assert call("tag_autocomplete", q="canary") == ["canarypublic"]
    assert [t["name"] for t in call("tag_search", query="canary")["results"]] == ["canarypublic"]
    assert call("tag_search", query="canary")["count"] == 1
    assert call("format_autocomplete", q="fmt") == ["fmtpublic"]
    for word in HIDDEN:
        with pytest.raises(helpers.logic.NotFound):
            call("tag_show", id=f"canary{word}")
    assert call("tag_show", id="canarypublic")["name"] == "canarypublic"


def test_members_and_sysadmins_still_see_private_tags(world: dict) -> None:
    assert as_user(world["member"], "tag_list") == ["canaryprivate", "canarypublic"]
    assert as_user(world["member"], "format_autocomplete", q="fmt") == ["fmtprivate", "fmtpublic"]
    assert as_user(world["member"], "tag_show", id="canaryprivate")["name"] == "canaryprivate"
    assert "canaryprivate" in as_user(world["admin"], "tag_list")


def test_bad_paging_is_a_clear_error(world: dict) -> None:
    with pytest.raises(helpers.logic.ValidationError) as error:
        anonymous("tag_autocomplete", q="canary", limit="many")
    assert "limit" in error.value.error_dict


@pytest.mark.parametrize("action", ["recently_changed_packages_activity_list", "organization_activity_list",
                                    "user_activity_list"])
def test_activities_of_deleted_purged_and_private_datasets_are_not_readable(world: dict, action: str) -> None:
    data: dict[str, Any] = {}
    if action == "organization_activity_list":
        data["id"] = world["org"]["id"]
    if action == "user_activity_list":
        data["id"] = world["admin"]["id"]
    seen = as_user(world["outsider"], action, **data)
    assert any(a["object_id"] == world["public"]["id"] for a in seen)
    assert canaries(seen) == []
    # The sysadmin still reads the whole history.
    assert "deleted" in canaries(as_user(world["admin"], action, **data))


@pytest.fixture
def earlier() -> list[str]:
    """Three public datasets created before the world's hidden ones."""
    admin = factories.Sysadmin()
    org = factories.Organization()
    return [factories.Dataset(user=admin, owner_org=org["id"], name=f"earlier-{n}")["id"] for n in range(3)]


def test_a_page_of_activities_is_refilled_after_hiding(earlier: list[str], world: dict) -> None:
    # The newest activities labelled public are the deleted and purged
    # datasets' creations: a page of 3 loses 2 and is refilled.
    seen = anonymous("recently_changed_packages_activity_list", limit=3)
    assert canaries(seen) == []
    assert [a["object_id"] for a in seen] == [world["public"]["id"], earlier[2], earlier[1]]


def test_organization_activity_page_shows_no_hidden_dataset(app: Any, world: dict) -> None:
    page = app.get(f"/organization/activity/{world['org']['name']}")
    assert page.status_code == 200
    assert "canarypublic" in page.get_data(as_text=True).lower()
    assert canaries(page.get_data(as_text=True)) == []


def test_member_list_hides_private_dataset_ids_from_non_members(world: dict) -> None:
    ids = [m[0] for m in anonymous("member_list", id=world["org"]["id"], object_type="package")]
    assert world["public"]["id"] in ids
    assert world["private"]["id"] not in ids
    assert world["private"]["id"] not in [m[0] for m in as_user(world["outsider"], "member_list",
                                                                 id=world["org"]["id"])]
    member_ids = [m[0] for m in as_user(world["member"], "member_list", id=world["org"]["id"])]
    assert world["private"]["id"] in member_ids


def test_refusing_a_private_dataset_does_not_name_it(app: Any, world: dict) -> None:
    response = app.get("/api/3/action/package_show", query_string={"id": "ds-private"})
    assert response.status_code == 403
    assert world["private"]["id"] not in response.get_data(as_text=True)


def test_follower_count_of_a_private_dataset_is_refused(world: dict) -> None:
    with pytest.raises(helpers.logic.NotAuthorized):
        anonymous("dataset_follower_count", id=world["private"]["id"])
    with pytest.raises(helpers.logic.NotAuthorized):
        as_user(world["outsider"], "am_following_dataset", id=world["private"]["id"])
    assert anonymous("dataset_follower_count", id=world["public"]["id"]) == 0
    assert as_user(world["member"], "dataset_follower_count", id=world["private"]["id"]) == 0
