"""Which datasets a user may see, as SQL, from CKAN's own permission labels.

CKAN decides who reads a dataset with permission labels (``public``,
``member-<org id>``, ``creator-<user id>``, ``collaborator-<dataset id>``):
the search index and the activity lists filter on them. Several core actions
(tag and format lists, ``member_list``) read the tables directly and apply
no such filter; the privacy module uses the clause built here to give them
the same rule. Only active datasets count: a draft, deleted or purged
dataset gives nothing away.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from ckan import authz, model
from ckan.lib.plugins import get_permission_labels
from ckan.types import Context


def is_sysadmin(context: Context) -> bool:
    """True when the caller may see everything (sysadmin, or an internal call)."""
    if context.get("ignore_auth"):
        return True
    return bool(authz.is_sysadmin(context.get("user")))


def user_labels(context: Context) -> list[str]:
    """The caller's permission labels, as CKAN's permission-labels plugin gives them."""
    user_obj = context.get("auth_user_obj")
    if user_obj is None and context.get("user"):
        user_obj = model.User.get(context["user"])
    return list(get_permission_labels().get_user_dataset_labels(user_obj))


def visible_clause(labels: Iterable[str]) -> Any:
    """A condition on ``model.Package``: active, and carrying one of ``labels``.

    It translates the labels of CKAN's default permission-labels plugin; a
    label of another form (from another plugin) grants nothing here, which
    errs on the side of showing less.
    """
    pkg = model.Package
    public = False
    orgs: list[str] = []
    creators: list[str] = []
    collaborations: list[str] = []
    for label in labels:
        kind, _sep, value = label.partition("-")
        if label == "public":
            public = True
        elif kind == "member" and value:
            orgs.append(value)
        elif kind == "creator" and value:
            creators.append(value)
        elif kind == "collaborator" and value:
            collaborations.append(value)
    granted = []
    if public:
        granted.append(pkg.private.is_(False))
    if orgs:
        granted.append(pkg.owner_org.in_(orgs))
    if creators:
        granted.append(sa.and_(pkg.owner_org.is_(None), pkg.creator_user_id.in_(creators)))
    if collaborations:
        granted.append(pkg.id.in_(collaborations))
    if not granted:
        return sa.false()
    return sa.and_(pkg.state == "active", sa.or_(*granted))


def visible_ids(context: Context, package_ids: Iterable[str]) -> set[str]:
    """The subset of ``package_ids`` the caller may read now (existing, active, allowed)."""
    wanted = {i for i in package_ids if i}
    if not wanted:
        return set()
    q = model.Session.query(model.Package.id).filter(model.Package.id.in_(wanted))
    if not is_sysadmin(context):
        q = q.filter(visible_clause(user_labels(context)))
    return {row[0] for row in q}
