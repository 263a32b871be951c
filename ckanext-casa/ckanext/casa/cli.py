"""``ckan casa ...``: set-up commands run by ``make demo``."""

from __future__ import annotations

import os
from pathlib import Path

import click

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.casa.themes import ORGANIZATIONS, THEMES


@click.group(short_help="Casa Urban Data commands")
def casa() -> None:
    """Casa Urban Data commands."""


def _site_user_context() -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


@casa.command()
@click.option("--sysadmin", default="casa-admin", show_default=True, help="Sysadmin user name.")
@click.option("--email", default="donnees@casa.invalid", show_default=True)
@click.option("--token-file", type=click.Path(dir_okay=False), default=None,
              help="File to write the sysadmin API token to (default: config).")
def bootstrap(sysadmin: str, email: str, token_file: str | None) -> None:
    """Create the data office organization, the themes and a sysadmin with
    an API token. Safe to run again: existing objects are kept."""
    context = _site_user_context()
    office = tk.config.get("ckanext.casa.data_office")
    try:
        tk.get_action("organization_show")(dict(context), {"id": office})
        click.echo(f"organization {office}: exists")
    except tk.ObjectNotFound:
        tk.get_action("organization_create")(dict(context), {
            "name": office,
            "title": "Bureau des données de la Ville de Casablanca",
            "description": "مكتب المعطيات لمدينة الدار البيضاء. Référentiels et gisement de données.",
        })
        click.echo(f"organization {office}: created")
    for org in ORGANIZATIONS:
        try:
            tk.get_action("organization_show")(dict(context), {"id": org["name"]})
        except tk.ObjectNotFound:
            tk.get_action("organization_create")(dict(context), dict(org))
            click.echo(f"organization {org['name']}: created")
    for theme in THEMES:
        try:
            tk.get_action("group_show")(dict(context), {"id": theme["name"]})
        except tk.ObjectNotFound:
            tk.get_action("group_create")(dict(context), {
                "name": theme["name"],
                "title": theme["title"],
                "description": f"{theme['title_ar']}\n\n{theme['title_en']}",
            })
            click.echo(f"theme {theme['name']}: created")

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
