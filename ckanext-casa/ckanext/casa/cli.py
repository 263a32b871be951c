"""``ckan casa ...``: set-up commands run by ``make demo``."""

from __future__ import annotations

import os
from pathlib import Path

import click

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.casa.themes import DATA_OFFICE, LOCALIZED_EXTRAS, ORGANIZATIONS, THEMES


@click.group(short_help="Casa Urban Data commands")
def casa() -> None:
    """Casa Urban Data commands."""


def _site_user_context() -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _ensure_group(context: dict, kind: str, wanted: dict[str, str]) -> None:
    """Create the organization or theme, or bring an existing one's title,
    description and translated extras to ``wanted`` (other extras are kept)."""
    plain = {k: v for k, v in wanted.items() if k not in LOCALIZED_EXTRAS}
    localized = {k: wanted[k] for k in LOCALIZED_EXTRAS if k in wanted}
    try:
        found = tk.get_action(f"{kind}_show")(dict(context), {"id": wanted["name"]})
    except tk.ObjectNotFound:
        tk.get_action(f"{kind}_create")(dict(context), {
            **plain, "extras": [{"key": k, "value": v} for k, v in localized.items()]})
        click.echo(f"{kind} {wanted['name']}: created")
        return
    extras = {e["key"]: e["value"] for e in found.get("extras") or []}
    if all(found.get(k) == v for k, v in plain.items()) and all(extras.get(k) == v for k, v in localized.items()):
        click.echo(f"{kind} {wanted['name']}: exists")
        return
    extras.update(localized)
    tk.get_action(f"{kind}_patch")(dict(context), {
        **plain, "id": found["id"], "extras": [{"key": k, "value": v} for k, v in extras.items()]})
    click.echo(f"{kind} {wanted['name']}: updated")


@casa.command()
@click.option("--sysadmin", default="casa-admin", show_default=True, help="Sysadmin user name.")
@click.option("--email", default="donnees@casa.invalid", show_default=True)
@click.option("--token-file", type=click.Path(dir_okay=False), default=None,
              help="File to write the sysadmin API token to (default: config).")
def bootstrap(sysadmin: str, email: str, token_file: str | None) -> None:
    """Create the data office organization, the themes and a sysadmin with
    an API token. Safe to run again: existing objects are kept."""
    context = _site_user_context()
    office = {"name": tk.config.get("ckanext.casa.data_office"), **DATA_OFFICE}
    for org in [office, *ORGANIZATIONS]:
        _ensure_group(context, "organization", org)
    for theme in THEMES:
        _ensure_group(context, "group", {
            "name": theme["name"], "title": theme["title"], "title_ar": theme["title_ar"],
            "title_en": theme["title_en"],
            # The French page shows the title; the description says what the theme holds.
            "description": f"Jeux de données du thème « {theme['title']} ».",
            "description_ar": f"مجموعات البيانات الخاصة بموضوع «{theme['title_ar']}».",
            "description_en": f"Datasets of the theme \u201c{theme['title_en']}\u201d.",
        })

    user = model.User.by_name(sysadmin)
    if user is None:
        password = os.urandom(18).hex()
        user_dict = tk.get_action("user_create")(dict(context), {
            "name": sysadmin, "email": email, "password": password,
        })
        user = model.User.get(user_dict["id"])
        click.echo(f"sysadmin {sysadmin}: created")
    assert user is not None
    if not user.sysadmin:
        user.sysadmin = True
        model.Session.commit()
    target = token_file or tk.config.get("ckanext.casa.sysadmin_token_file")
    if target and Path(target).exists() and Path(target).read_text().strip():
        click.echo(f"API token: kept in {target}")
        return
    token = tk.get_action("api_token_create")(
        dict(context), {"user": sysadmin, "name": "casa-bootstrap"}
    )["token"]
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(token + "\n")
        click.echo(f"API token of {sysadmin}: written to {target}")
    else:
        click.echo(token)


@casa.command()
@click.argument("datasets", nargs=-1)
def views(datasets: tuple[str, ...]) -> None:
    """Create the missing previews (table of each datastore resource, map of
    each GeoJSON file) of the given datasets, or of every dataset, and add
    their past publications and rollbacks to their activity streams. Those
    of datasets published from now on are made when they are written."""
    from ckanext.casa.logic import release_history
    from ckanext.casa.views.map_view import create_views

    context = _site_user_context()
    names = list(datasets) or tk.get_action("package_list")(dict(context), {})
    total = history = 0
    for name in names:
        try:
            package = tk.get_action("package_show")(dict(context), {"id": name})
        except tk.ObjectNotFound:
            raise click.UsageError(f"Dataset {name!r} not found.") from None
        created = create_views(package)
        total += len(created)
        if created:
            click.echo(f"{name}: {', '.join(v['view_type'] for v in created)}")
        history += release_history.record(package["id"])
    model.Session.commit()
    click.echo(f"{total} view(s) created on {len(names)} dataset(s).")
    click.echo(f"{history} publication(s) added to activity streams.")
