"""Publications and rollbacks in the dataset's activity stream: who, when,
which release, with links to its report and files.

The pipelines write the catalogue as CKAN's site user, whose activities
CKAN hides (``ckan.hide_activity_from_users``), and their own record of who
did what is ``casa_staging.event``. Each publish or rollback event becomes
one activity of the dataset (``casa release published`` or ``casa release
rolled back``), dated when it happened, by the steward's CKAN account
(``ckanext.casa.steward_user``); the event's id makes it idempotent. The
release it replaced is said withdrawn in the same entry. These activity
types are ours, so they are written with the activity model: CKAN's
``activity_create`` only accepts its own types."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import sqlalchemy as sa

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model

log = logging.getLogger(__name__)

TYPES = {"publish": "casa release published", "rollback": "casa release rolled back"}


def _events(slug: str) -> list[dict[str, Any]]:
    from ckanext.casa.views.downloads import staging_engine

    url = tk.config.get("ckan.datastore.write_url")  # the public read user cannot see casa_staging
    if not url:
        return []
    try:
        with staging_engine(url).connect() as conn:
            if conn.execute(sa.text("SELECT to_regclass('casa_staging.event')")).scalar() is None:
                return []
            found = conn.execute(sa.text(
                "SELECT id, number, action, actor, at, detail FROM casa_staging.event "
                "WHERE dataset = :d AND action = ANY(:a) ORDER BY id"), {"d": slug, "a": list(TYPES)})
            return [dict(r._mapping) for r in found]
    except sa.exc.SQLAlchemyError as exc:
        log.warning("Release events of %s unreadable: %s", slug, exc)
        return []


def record(package_id: str) -> int:
    """Add the activities of the dataset's publications and rollbacks not
    recorded yet; returns how many were added (committed with the caller's
    transaction)."""
    if not p.plugin_loaded("activity"):
        return 0
    from ckan.lib.plugins import get_permission_labels

    from ckanext.activity.model import Activity

    pkg = model.Package.get(package_id)
    steward = model.User.by_name(tk.config.get("ckanext.casa.steward_user") or "")
    if pkg is None or steward is None:
        return 0
    events = _events(pkg.name)
    if not events:
        return 0
    done = {(row[0] or {}).get("casa_event") for row in model.Session.query(Activity.data).filter(
        Activity.object_id == pkg.id, Activity.activity_type.in_(list(TYPES.values())))}
    labels = get_permission_labels().get_dataset_labels(pkg)
    added = 0
    for event in events:
        if str(event["id"]) in done:
            continue
        previous = (event["detail"] or {}).get("previous")
        activity = Activity(steward.id, pkg.id, TYPES[event["action"]], {
            "casa_event": str(event["id"]), "release": event["number"], "previous": previous,
            "steward": event["actor"], "package": {"id": pkg.id, "name": pkg.name, "title": pkg.title,
                                                   "title_ar": pkg.extras.get("title_ar"), "type": pkg.type}}, permission_labels=labels)
        # When it happened, in UTC without a zone, as CKAN stores activity times.
        activity.timestamp = event["at"].astimezone(dt.UTC).replace(tzinfo=None)
        model.Session.add(activity)
        added += 1
    return added
