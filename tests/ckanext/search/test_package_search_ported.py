"""CKAN's own ``package_search`` behaviours, run on the PostgreSQL backend.

These restate what CKAN's ``TestPackageSearch`` (ckan/tests/logic/action/
test_get.py) expects from Solr, so that the backend is held to the same
contract. Only ``casa_search`` is loaded, so CKAN's core schema is in use.
"""

from __future__ import annotations

import pytest

from ckan import logic
from ckan.lib.search.common import SearchError
from ckan.tests import factories, helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa_search"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]


def _search(context: dict | None = None, **data_dict) -> dict:
    return logic.get_action("package_search")(context or {}, data_dict)


def _names(result: dict) -> list[str]:
    return [d["name"] for d in result["results"]]


def _bulk(prefix: str, count: int) -> None:
    for i in range(count):
        factories.Dataset(name=f"{prefix}_{i}")


def _catalogue_with_every_state(user: dict, other_user: dict) -> dict[str, dict]:
    """One dataset of each kind: mine, someone else's, deleted, drafts,
    private. Returned by role."""
    org = factories.Organization(user=user)
    return {
        "mine": factories.Dataset(user=user, name="mine"),
        "others": factories.Dataset(user=other_user, name="others"),
        "deleted": factories.Dataset(user=user, state="deleted", name="deleted-one"),
        "draft": factories.Dataset(user=user, state="draft", name="my-draft"),
        "other_draft": factories.Dataset(user=other_user, state="draft", name="other-draft"),
        "private": factories.Dataset(
            user=user, private=True, owner_org=org["name"], name="private-one"
        ),
    }


class TestQueryAndFields:
    def test_free_text_finds_only_the_matching_dataset(self):
        factories.Dataset(title="Rivers")
        factories.Dataset(title="Lakes")
        result = helpers.call_action("package_search", q="rivers")
        assert result["count"] == 1
        assert result["results"][0]["title"] == "Rivers"

    @pytest.mark.parametrize("fl", [["title", "name"], "title,name"])
    def test_fl_returns_only_the_requested_fields(self, fl):
        factories.Dataset(title="Rivers", name="test_ri")
        factories.Dataset(title="Lakes")
        result = helpers.call_action("package_search", q="rivers", fl=fl)
        assert result["results"] == [{"title": "Rivers", "name": "test_ri"}]

    def test_fl_id_alone(self):
        rivers = factories.Dataset(title="Rivers")
        factories.Dataset(title="Lakes")
        result = helpers.call_action("package_search", q="rivers", fl=["id"])
        assert result["results"] == [{"id": rivers["id"]}]

    def test_no_q_returns_everything(self):
        factories.Dataset(title="Rivers")
        factories.Dataset(title="Lakes")
        assert helpers.call_action("package_search")["count"] == 2

    def test_unknown_parameter_is_a_search_error(self):
        with pytest.raises(SearchError):
            helpers.call_action("package_search", weird_param=1)

    def test_sort_without_direction_is_a_search_error(self):
        with pytest.raises(SearchError):
            helpers.call_action("package_search", sort="metadata_modified")

    def test_local_parameters_are_refused(self):
        with pytest.raises(SearchError):
            helpers.call_action("package_search", q='{!child of="content_type:parentDoc"}')

    def test_resource_name_is_searchable(self):
        factories.Resource(name="resource_abc")
        factories.Dataset(title="Unrelated")
        result = helpers.call_action("package_search", q="resource_abc")
        assert result["count"] == 1
        assert result["results"][0]["resources"][0]["name"] == "resource_abc"

    def test_works_without_a_user_in_the_context(self):
        factories.Dataset(title="Anything at all")
        assert _search(q="anything")["count"] == 1


class TestRows:
    def test_ten_rows_by_default(self):
        _bulk("rows_default", 11)
        result = _search()
        assert result["count"] == 11
        assert len(result["results"]) == 10

    @pytest.mark.ckan_config("ckan.search.rows_max", "3")
    def test_rows_are_clipped_to_rows_max(self):
        _bulk("rows_limited", 5)
        result = _search(rows="15")
        assert result["count"] == 5
        assert len(result["results"]) == 3


class TestFacets:
    def test_organization_facet_has_counts_and_display_names(self):
        org = factories.Organization(name="test-org-facet", title="Test Org")
        factories.Dataset(owner_org=org["id"])
        factories.Dataset(owner_org=org["id"])
        factories.Dataset()
        result = helpers.call_action("package_search", **{"facet.field": ["organization"]})
        assert result["count"] == 3
        assert result["search_facets"] == {
            "organization": {
                "title": "organization",
                "items": [{"name": "test-org-facet", "display_name": "Test Org", "count": 2}],
            }
        }

    def _two_groups(self) -> tuple[dict, dict]:
        first = factories.Group(name="test-group-fl1", title="Test Group 1")
        second = factories.Group(name="test-group-fl2", title="Test Group 2")
        factories.Dataset(groups=[{"name": first["name"]}, {"name": second["name"]}])
        factories.Dataset(groups=[{"name": first["name"]}])
        factories.Dataset()
        return first, second

    def test_facet_limit_keeps_the_largest(self):
        self._two_groups()
        result = helpers.call_action(
            "package_search", **{"facet.field": ["groups"], "facet.limit": 1}
        )
        assert result["search_facets"] == {
            "groups": {
                "title": "groups",
                "items": [{"name": "test-group-fl1", "display_name": "Test Group 1", "count": 2}],
            }
        }

    def test_facet_limit_minus_one_means_no_limit(self):
        self._two_groups()
        result = helpers.call_action(
            "package_search", **{"facet.field": ["groups"], "facet.limit": -1}
        )
        items = result["search_facets"]["groups"]["items"]
        assert sorted((i["name"], i["count"]) for i in items) == [
            ("test-group-fl1", 2),
            ("test-group-fl2", 1),
        ]

    @pytest.mark.ckan_config("search.facets.limit", "1")
    def test_facet_limit_default_comes_from_config(self):
        self._two_groups()
        result = helpers.call_action("package_search", **{"facet.field": ["groups"]})
        assert [i["name"] for i in result["search_facets"]["groups"]["items"]] == ["test-group-fl1"]


class TestSort:
    def test_metadata_created_desc(self):
        for name in ("test0", "test1", "test2"):
            factories.Dataset(name=name)
        result = helpers.call_action("package_search", sort="metadata_created desc")
        assert _names(result) == ["test2", "test1", "test0"]

    @pytest.mark.ckan_config("ckan.search.default_package_sort", "metadata_created asc")
    def test_default_sort_comes_from_config(self):
        for name in ("test0", "test1", "test2"):
            factories.Dataset(name=name)
        assert _names(helpers.call_action("package_search")) == ["test0", "test1", "test2"]


class TestVisibility:
    def test_no_options_shows_only_public_active(self):
        user = factories.User()
        datasets = _catalogue_with_every_state(user, factories.User())
        assert sorted(_names(helpers.call_action("package_search"))) == sorted(
            [datasets["mine"]["name"], datasets["others"]["name"]]
        )

    def test_fq_capacity_private_cannot_reveal_private(self):
        user = factories.User()
        _catalogue_with_every_state(user, factories.User())
        assert helpers.call_action("package_search", fq="capacity:private")["results"] == []

    def test_fq_state_draft_cannot_reveal_drafts(self):
        user = factories.User()
        _catalogue_with_every_state(user, factories.User())
        assert helpers.call_action("package_search", fq="state:draft")["results"] == []

    def test_include_drafts_does_nothing_for_anonymous(self):
        user = factories.User()
        datasets = _catalogue_with_every_state(user, factories.User())
        result = _search({"user": ""}, include_drafts=True)
        assert sorted(_names(result)) == sorted(
            [datasets["mine"]["name"], datasets["others"]["name"]]
        )

    def test_include_drafts_shows_every_draft_to_a_sysadmin(self):
        sysadmin = factories.Sysadmin()
        datasets = _catalogue_with_every_state(factories.User(), factories.User())
        result = _search({"user": sysadmin["name"]}, include_drafts=True)
        assert sorted(_names(result)) == sorted(
            datasets[k]["name"] for k in ("mine", "others", "draft", "other_draft")
        )

    def test_include_drafts_false_hides_drafts_from_a_sysadmin(self):
        sysadmin = factories.Sysadmin()
        datasets = _catalogue_with_every_state(factories.User(), factories.User())
        result = _search({"user": sysadmin["name"]}, include_drafts=False)
        assert sorted(_names(result)) == sorted(
            datasets[k]["name"] for k in ("mine", "others")
        )

    def test_include_drafts_shows_a_user_only_their_own_drafts(self):
        user = factories.User()
        datasets = _catalogue_with_every_state(user, factories.User())
        result = _search({"user": user["name"]}, include_drafts=True)
        assert sorted(_names(result)) == sorted(
            datasets[k]["name"] for k in ("mine", "others", "draft")
        )

    def test_fq_creator_user_id_finds_another_users_active_datasets(self):
        user, other = factories.User(), factories.User()
        datasets = _catalogue_with_every_state(user, other)
        result = _search({"user": user["name"]}, fq=f"creator_user_id:{other['id']}")
        assert _names(result) == [datasets["others"]["name"]]

    @pytest.mark.parametrize("include_drafts", [False, True])
    def test_fq_creator_and_state_draft_never_reveal_another_users_drafts(self, include_drafts):
        user, other = factories.User(), factories.User()
        _catalogue_with_every_state(user, other)
        fq = f"(creator_user_id:{other['id']} AND +state:draft)"
        result = _search({"user": user["name"]}, fq=fq, include_drafts=include_drafts)
        assert result["results"] == []

    def test_fq_creator_with_include_drafts_still_hides_another_users_drafts(self):
        user, other = factories.User(), factories.User()
        datasets = _catalogue_with_every_state(user, other)
        result = _search(
            {"user": user["name"]}, fq=f"creator_user_id:{other['id']}", include_drafts=True
        )
        assert _names(result) == [datasets["others"]["name"]]

    def test_fq_creator_and_state_draft_work_for_a_sysadmin(self):
        user, sysadmin = factories.User(), factories.Sysadmin()
        datasets = _catalogue_with_every_state(user, factories.User())
        fq = f"(creator_user_id:{user['id']} AND +state:draft)"
        result = _search({"user": sysadmin["name"]}, fq=fq)
        assert _names(result) == [datasets["draft"]["name"]]

    def test_include_private_shows_my_organizations_private_datasets(self):
        user = factories.User()
        org = factories.Organization(user=user)
        factories.Dataset(user=user, state="deleted")
        factories.Dataset(user=user, state="draft")
        private = factories.Dataset(user=user, private=True, owner_org=org["name"])
        result = _search({"user": user["name"]}, include_private=True)
        assert _names(result) == [private["name"]]

    @pytest.mark.parametrize("remove_deleted", [True, False])
    def test_include_private_hides_other_organizations_private_datasets(self, remove_deleted):
        with helpers.changed_config("ckan.search.remove_deleted_packages", remove_deleted):
            user, stranger = factories.User(), factories.User()
            factories.Organization(user=user)
            their_org = factories.Organization(user=stranger)
            factories.Dataset(
                user=stranger,
                private=True,
                owner_org=their_org["name"],
                state="active" if remove_deleted else "deleted",
            )
            result = _search(
                {"user": user["name"]},
                include_private=True,
                include_deleted=not remove_deleted,
            )
            assert result["results"] == []

    @pytest.mark.parametrize("remove_deleted", [True, False])
    def test_include_private_shows_a_sysadmin_everything(self, remove_deleted):
        with helpers.changed_config("ckan.search.remove_deleted_packages", remove_deleted):
            user, sysadmin = factories.User(), factories.Sysadmin()
            org = factories.Organization(user=user)
            private = factories.Dataset(
                user=user,
                private=True,
                owner_org=org["name"],
                state="active" if remove_deleted else "deleted",
            )
            result = _search(
                {"user": sysadmin["name"]},
                include_private=True,
                include_deleted=not remove_deleted,
            )
            assert _names(result) == [private["name"]]


class TestGroupDatasetCounts:
    """``group_list``/``organization_list`` count datasets through a facet
    query (``model_dictize.get_group_dataset_counts``), not the catalogue."""

    def _catalogue(self) -> tuple[dict, dict, dict]:
        org = factories.Organization(name="org-a")
        empty_org = factories.Organization(name="org-empty")
        group = factories.Group(name="group-a")
        factories.Dataset(owner_org=org["id"], groups=[{"name": group["name"]}])
        factories.Dataset(owner_org=org["id"])
        factories.Dataset(owner_org=org["id"], private=True)
        factories.Dataset(groups=[{"name": group["name"]}], state="draft")
        factories.Dataset(groups=[{"name": group["name"]}])
        return org, empty_org, group

    def test_organization_list_all_fields_counts_active_datasets(self):
        # call_action ignores auth, so no permission labels filter the facet
        # query: private datasets count too; drafts never do.
        self._catalogue()
        orgs = helpers.call_action("organization_list", all_fields=True)
        assert {o["name"]: o["package_count"] for o in orgs} == {"org-a": 3, "org-empty": 0}

    def test_organization_list_counts_for_a_visitor_leave_private_out(self):
        self._catalogue()
        orgs = helpers.call_action(
            "organization_list", context={"ignore_auth": False, "user": ""}, all_fields=True
        )
        assert {o["name"]: o["package_count"] for o in orgs} == {"org-a": 2, "org-empty": 0}

    def test_group_list_all_fields_counts_datasets(self):
        self._catalogue()
        groups = helpers.call_action("group_list", all_fields=True)
        assert [(g["name"], g["package_count"]) for g in groups] == [("group-a", 2)]

    def test_include_dataset_count_false_leaves_counts_out(self):
        self._catalogue()
        orgs = helpers.call_action(
            "organization_list", all_fields=True, include_dataset_count=False
        )
        assert all("package_count" not in o for o in orgs)

    def test_counts_follow_deletion(self):
        org, _, _group = self._catalogue()
        victim = helpers.call_action("package_search", fq=f"owner_org:{org['id']}")["results"][0]
        helpers.call_action("package_delete", id=victim["id"])
        orgs = helpers.call_action("organization_list", all_fields=True)
        assert {o["name"]: o["package_count"] for o in orgs}["org-a"] == 2

    def test_organization_show_counts_its_datasets(self):
        org, _, _ = self._catalogue()
        shown = helpers.call_action("organization_show", id=org["id"], include_datasets=True)
        assert shown["package_count"] == 2
        assert len(shown["packages"]) == 2
