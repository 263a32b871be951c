"""The leak matrix, quick form: private, draft, deleted and purged datasets
each carry a unique canary (in title, notes, tag, resource URL and format);
every read-only action of the running app (core and plugins, read from
their registrations, so a new action is covered without editing a list),
the pages and the feeds are asked for them by the anonymous user, a
logged-in non-member, a member of another organization and a revoked
token. Target: 0 canaries. The figures are printed (``-s`` shows them)."""

from __future__ import annotations

import ast
import inspect
import json
import uuid
from typing import Any

import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.logic.action import get as core_get
from ckan.tests import factories, helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search activity"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_request_context"),
]

KINDS = ("private", "draft", "deleted", "purged")
# get_site_user is read-only but hands out the site user to internal
# callers (ignore_auth) only; every other read-only action is asked.
SKIPPED = {"get_site_user"}


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    reset_db()
    migrate_db_for("casa_search")
    migrate_db_for("activity")


def read_only_actions() -> list[str]:
    """Every side-effect-free action of the running app: CKAN's read actions
    and those every IActions plugin registers."""
    tree = ast.parse(inspect.getsource(core_get))
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}
    for plugin in p.PluginImplementations(p.IActions):
        names.update(plugin.get_actions())
    kept = []
    for name in sorted(names - SKIPPED):
        try:
            action = tk.get_action(name)
        except KeyError:
            continue
        if getattr(action, "side_effect_free", False):
            kept.append(name)
    return kept


@pytest.fixture
def world() -> dict[str, Any]:
    admin = factories.Sysadmin()
    org = factories.Organization(user=admin)
    outsider = factories.User()
    other_member = factories.User()
    other_org = factories.Organization(users=[{"name": other_member["name"], "capacity": "editor"}])
    canaries: dict[str, str] = {}
    datasets: dict[str, dict] = {}
    for kind in KINDS:
        word = f"kanari{kind}{uuid.uuid4().hex[:8]}"
        canaries[kind] = word
        extra = {"private": True} if kind == "private" else {"state": "draft"} if kind == "draft" else {}
        datasets[kind] = factories.Dataset(
            user=admin, owner_org=org["id"], name=f"ds-{kind}-{uuid.uuid4().hex[:8]}", title=f"Titre {word}", notes=f"Notes {word}",
            tags=[{"name": word}], resources=[{"url": f"http://example.org/{word}.csv", "format": word}],
            **extra)
    factories.Dataset(user=admin, owner_org=org["id"], name="public-one", title="Public")
    # The creation of each: recorded while the dataset was readable or not.
    activities = [helpers.call_action("package_activity_list", {"user": admin["name"]},
                                      id=datasets[kind]["id"])[-1]["id"] for kind in ("private", "deleted", "purged")]
    helpers.call_action("package_delete", {"user": admin["name"]}, id=datasets["deleted"]["id"])
    helpers.call_action("dataset_purge", {"user": admin["name"]}, id=datasets["purged"]["id"])
    token = helpers.call_action("api_token_create", {"user": outsider["name"]},
                                user=outsider["name"], name="revoked")["token"]
    jti = helpers.call_action("api_token_list", {"user": outsider["name"]}, user_id=outsider["name"])[0]["id"]
    helpers.call_action("api_token_revoke", {"user": outsider["name"]}, jti=jti)
    return {"admin": admin, "org": org, "outsider": outsider, "other_member": other_member,
            "other_org": other_org, "canaries": canaries, "datasets": datasets, "activities": activities,
            "revoked_token": token}


def argument_sets(world: dict) -> list[dict[str, Any]]:
    sets: list[dict[str, Any]] = [{}, {"id": world["org"]["id"]}, {"q": "kanari"},
                                  {"id": world["admin"]["name"], "include_datasets": True}]
    for kind in KINDS:
        dataset = world["datasets"][kind]
        sets += [{"id": dataset["id"]}, {"resource_id": dataset["resources"][0]["id"]}]
    sets += [{"id": activity} for activity in world["activities"]]
    return sets


def found(answer: Any, world: dict, asked: Any = None) -> list[str]:
    """Canaries and hidden dataset ids in ``answer``, except those the caller
    sent itself (an error may echo what it was asked)."""
    text = json.dumps(answer, default=str)
    sent = json.dumps(asked, default=str) if asked else ""
    hidden = [world["datasets"][k]["id"] for k in KINDS]
    return [w for w in [*world["canaries"].values(), *hidden] if w in text and w not in sent]


def test_no_action_gives_away_a_canary(world: dict) -> None:
    actions = read_only_actions()
    assert len(actions) > 60, actions
    roles = {"anonymous": "", "non-member": world["outsider"]["name"],
             "member of another organization": world["other_member"]["name"]}
    leaks: list[tuple[str, str, dict, list[str]]] = []
    calls = 0
    for role, user in roles.items():
        for name in actions:
            for data in argument_sets(world):
                calls += 1
                try:
                    answer = tk.get_action(name)({"user": user, "ignore_auth": False}, dict(data))
                except Exception as error:  # noqa: BLE001 - any refusal is fine; its text is checked
                    answer = str(error)
                    if isinstance(error, (tk.ValidationError,)):
                        answer = error.error_dict
                if hits := found(answer, world, data):
                    leaks.append((role, name, data, hits, str(answer)[:300]))
    print(f"\nleak matrix: {len(actions)} actions x {len(roles)} roles, {calls} calls, "
          f"{len(leaks)} with a canary")
    assert leaks == [], "\n".join(map(str, leaks))


def test_no_page_or_feed_gives_away_a_canary(app: Any, world: dict) -> None:
    org = world["org"]["name"]
    paths = ["/dataset/", "/dataset/?q=kanari", f"/organization/{org}", f"/organization/activity/{org}",
             "/feeds/dataset.atom", f"/feeds/organization/{org}.atom", "/feeds/custom.atom?q=kanari",
             f"/user/{world['admin']['name']}", "/api/3/action/package_search?q=kanari",
             "/api/3/action/recently_changed_packages_activity_list"]
    for kind in KINDS:
        word = world["canaries"][kind]
        name = world["datasets"][kind]["name"]
        paths += [f"/dataset/{name}", f"/dataset/{world['datasets'][kind]['id']}", f"/feeds/tag/{word}.atom",
                  f"/dataset/activity/{name}"]
    headers = {"anonymous": {}, "revoked token": {"Authorization": world["revoked_token"]}}
    leaks = []
    for role, extra in headers.items():
        for path in paths:
            response = app.get(path, headers=extra)
            assert response.status_code < 500, (role, path, response.status_code)
            if hits := found(response.get_data(as_text=True), world, path):
                leaks.append((role, path, hits))
            if role == "revoked token":
                assert response.status_code == 401, path
    print(f"\nleak matrix, pages and feeds: {len(paths)} paths x {len(headers)} roles, {len(leaks)} with a canary")
    assert leaks == []
