"""The search documents live in the catalogue's own transactions: a write
that fails leaves neither a dataset without its document nor the reverse,
and CKAN's index maintenance (delete, purge, rebuild, clear) acts on them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

import ckan.lib.search.index as search_index
import ckan.lib.search.query as search_query
from ckan import model
from ckan.cli.cli import ckan as ckan_cli
from ckan.lib import search
from ckan.lib.search.common import SearchIndexError, SolrConnectionError
from ckan.logic import ValidationError
from ckan.tests import factories, helpers

from ckanext.casa.search import backend, connection

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa_search"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]


def _scalar(sql: str, **params) -> object:
    return model.Session.execute(sa.text(sql), params).scalar()


def catalogue_ids() -> set[str]:
    rows = model.Session.execute(sa.text("SELECT id FROM package WHERE state = 'active'"))
    return {r.id for r in rows}


def document_ids() -> set[str]:
    return {r.id for r in model.Session.execute(sa.text("SELECT id FROM casa_search_document"))}


def payload_count() -> int:
    return int(_scalar("SELECT count(*) FROM casa_search_payload"))


def content_count() -> int:
    return int(_scalar("SELECT count(*) FROM casa_search_content"))


def catalogue_and_index_agree() -> bool:
    indexed = document_ids()
    return catalogue_ids() == indexed and payload_count() == content_count() == len(indexed)


@pytest.fixture
def fail_at_commit() -> Iterator[str]:
    """A real PostgreSQL failure after the dataset and its document have been
    written but before the transaction commits: a deferred constraint
    trigger on ``package`` that rejects a marked title at COMMIT."""
    model.Session.execute(
        sa.text(
            "CREATE OR REPLACE FUNCTION casa_test_fail() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'casa test: refused at commit'; END $$;"
            " CREATE CONSTRAINT TRIGGER casa_test_fail_at_commit AFTER INSERT OR UPDATE ON package"
            " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
            " WHEN (NEW.title LIKE '%FAIL-AT-COMMIT%') EXECUTE FUNCTION casa_test_fail();"
        )
    )
    model.Session.commit()
    yield "FAIL-AT-COMMIT"
    model.Session.rollback()
    model.Session.execute(sa.text("DROP TRIGGER IF EXISTS casa_test_fail_at_commit ON package"))
    model.Session.commit()


@pytest.fixture
def fail_indexing() -> Iterator[str]:
    """Make the search document write itself fail, for marked names."""
    model.Session.execute(
        sa.text(
            "CREATE OR REPLACE FUNCTION casa_test_fail() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'casa test: refused document'; END $$;"
            " CREATE TRIGGER casa_test_fail_index BEFORE INSERT OR UPDATE ON casa_search_document"
            " FOR EACH ROW WHEN (NEW.search_vector @@ to_tsquery('simple', 'failindexing'))"
            " EXECUTE FUNCTION casa_test_fail();"
        )
    )
    model.Session.commit()
    yield "failindexing"
    model.Session.rollback()
    model.Session.execute(
        sa.text("DROP TRIGGER IF EXISTS casa_test_fail_index ON casa_search_document")
    )
    model.Session.commit()


class TestFailedWrites:
    def test_create_failing_at_commit_leaves_nothing(self, fail_at_commit):
        factories.Dataset(name="kept")
        with pytest.raises(sa.exc.DatabaseError, match="refused at commit"):
            helpers.call_action("package_create", name="lost", title=f"Lost {fail_at_commit}")
        model.Session.rollback()
        assert _scalar("SELECT count(*) FROM package WHERE name = 'lost'") == 0
        assert _scalar("SELECT count(*) FROM casa_search_document WHERE name = 'lost'") == 0
        assert catalogue_and_index_agree()
        assert [d["name"] for d in helpers.call_action("package_search")["results"]] == ["kept"]

    def test_update_failing_at_commit_keeps_the_old_document(self, fail_at_commit):
        dataset = factories.Dataset(name="kept", title="Old title")
        with pytest.raises(sa.exc.DatabaseError):
            helpers.call_action("package_patch", id=dataset["id"], title=f"New {fail_at_commit}")
        model.Session.rollback()
        assert helpers.call_action("package_search", q="old")["count"] == 1
        assert helpers.call_action("package_search", q="new")["count"] == 0
        assert helpers.call_action("package_show", id="kept")["title"] == "Old title"

    def test_index_write_failure_leaves_no_dataset(self, fail_indexing):
        with pytest.raises(SearchIndexError, match="refused document"):
            helpers.call_action("package_create", name="lost", notes=fail_indexing)
        model.Session.rollback()
        assert _scalar("SELECT count(*) FROM package WHERE name = 'lost'") == 0
        assert catalogue_and_index_agree()

    def test_index_write_failure_over_http(self, app, fail_indexing):
        user = factories.SysadminWithToken()
        response = app.post(
            "/api/3/action/package_create",
            json={"name": "lost", "notes": fail_indexing},
            headers={"Authorization": user["token"]},
            status=500,
        )
        assert response.json["error"]["__type"] == "Search Index Error"
        model.Session.rollback()
        assert _scalar("SELECT count(*) FROM package WHERE name = 'lost'") == 0
        assert catalogue_and_index_agree()

    def test_validation_failure_leaves_nothing(self):
        with pytest.raises(ValidationError) as error:
            helpers.call_action("package_create", name="Not A Valid Name!")
        assert "name" in error.value.error_dict
        model.Session.rollback()
        assert document_ids() == set() and catalogue_ids() == set()


class TestIndexMaintenance:
    def test_create_update_delete_keep_one_document_per_dataset(self):
        first = factories.Dataset()
        second = factories.Dataset()
        assert catalogue_and_index_agree() and len(document_ids()) == 2
        helpers.call_action("package_patch", id=first["id"], title="Renamed")
        assert catalogue_and_index_agree() and len(document_ids()) == 2
        helpers.call_action("package_delete", id=second["id"])
        assert document_ids() == {first["id"]}
        assert catalogue_and_index_agree()

    @pytest.mark.ckan_config("ckan.search.remove_deleted_packages", False)
    def test_deleted_kept_in_index_when_configured_but_not_found(self):
        dataset = factories.Dataset(title="Gone")
        helpers.call_action("package_delete", id=dataset["id"])
        assert _scalar("SELECT state FROM casa_search_document WHERE id = :i", i=dataset["id"]) == "deleted"
        assert helpers.call_action("package_search", q="gone")["count"] == 0
        sysadmin = factories.Sysadmin()
        result = helpers.call_action(
            "package_search", context={"user": sysadmin["name"]}, q="gone", include_deleted=True
        )
        assert result["count"] == 1

    def test_purge_removes_document_and_payload(self):
        dataset = factories.Dataset()
        factories.Dataset()
        helpers.call_action("dataset_purge", id=dataset["id"])
        assert dataset["id"] not in document_ids()
        assert catalogue_and_index_agree()

    def test_rebuild_restores_lost_documents(self):
        datasets = [factories.Dataset() for _ in range(3)]
        model.Session.execute(sa.text("DELETE FROM casa_search_document"))
        model.Session.commit()
        assert payload_count() == 0  # cascades
        assert _scalar("SELECT count(*) FROM casa_search_content") == 0
        search.rebuild()
        assert document_ids() == {d["id"] for d in datasets}
        assert catalogue_and_index_agree()
        assert helpers.call_action("package_search")["count"] == 3

    def test_rebuild_only_missing(self):
        kept, lost = factories.Dataset(), factories.Dataset()
        model.Session.execute(sa.text("DELETE FROM casa_search_document WHERE id = :i"), {"i": lost["id"]})
        model.Session.commit()
        search.rebuild(only_missing=True)
        assert document_ids() == {kept["id"], lost["id"]}

    def test_rebuild_with_clear_drops_stale_documents(self):
        dataset = factories.Dataset()
        stale = factories.Dataset()
        model.Session.execute(sa.text("UPDATE package SET state = 'deleted' WHERE id = :i"), {"i": stale["id"]})
        model.Session.commit()
        assert stale["id"] in document_ids()
        search.rebuild(clear=True)
        assert document_ids() == {dataset["id"]}

    def test_rebuild_from_the_command_line(self, cli):
        datasets = [factories.Dataset() for _ in range(2)]
        model.Session.execute(sa.text("DELETE FROM casa_search_document"))
        model.Session.commit()
        result = cli.invoke(ckan_cli, ["search-index", "rebuild"])
        assert result.exit_code == 0, result.output
        model.Session.remove()
        assert document_ids() == {d["id"] for d in datasets}

    def test_clear_all_empties_both_tables(self):
        factories.Dataset()
        factories.Dataset()
        search.clear_all()
        assert document_ids() == set() and payload_count() == content_count() == 0
        assert helpers.call_action("package_search")["count"] == 0

    def test_show_and_check_commands_read_the_index(self):
        dataset = factories.Dataset()
        assert search.show(dataset["name"])["id"] == dataset["id"]
        search.check()  # logs the datasets missing from the index; must not fail


class TestBackendSwitch:
    def test_solr_restores_ckans_functions_and_postgres_comes_back(self):
        assert backend.current() == "postgres"
        originals = backend._ORIGINAL
        try:
            backend.use("solr")
            assert backend.current() == "solr"
            assert search_index.make_connection is originals[search_index]
            assert search_query.make_connection is originals[search_query]
            # CKAN's own path now runs, and no Solr listens on this machine.
            with pytest.raises(SolrConnectionError):
                helpers.call_action("package_search", q="anything")
        finally:
            backend.use("postgres")
        assert search_query.make_connection is connection.make_connection
        assert search_index.make_connection is connection.make_connection
        factories.Dataset(title="Back again")
        assert helpers.call_action("package_search", q="back")["count"] == 1

    def test_unknown_backend_is_refused(self):
        with pytest.raises(ValueError, match="Unknown search backend"):
            backend.use("elasticsearch")
        assert backend.current() == "postgres"
