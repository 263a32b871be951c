"""Reading CKAN action docstrings: the summary and the reST field list
(``:param name:``, ``:type name:``, ``:rtype:``) that CKAN's own API
documentation is built from. Written here because CKAN builds that
documentation with Sphinx at release time and ships no parser for it;
docutils would parse the reST but not tie ``:type x:`` to ``:param x:``."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

FIELD = re.compile(r"^:(?P<kind>param|type|rtype)(?:\s+(?P<name>[\w.\[\]]+))?\s*:(?P<text>.*)$")
ROLE = re.compile(r":(?:ref|py:func|func|class|doc):`~?([^`<]*?)(?:\s*<[^>]*>)?`")


@dataclass
class Parameter:
    name: str
    description: str = ""
    type: str = ""


@dataclass
class ActionDoc:
    summary: str
    description: str
    params: dict[str, Parameter] = field(default_factory=dict)
    returns: str = ""


def parse(func: object) -> ActionDoc:
    text = inspect.cleandoc(inspect.getdoc(func) or "")
    prose: list[str] = []
    params: dict[str, Parameter] = {}
    returns = ""
    current: tuple[str, str | None] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        found = FIELD.match(line)
        if found:
            kind, name, rest = found["kind"], found["name"], found["text"].strip()
            if kind == "type" and name is None and ":" in rest:
                name, rest = (s.strip() for s in rest.split(":", 1))  # ":type: name: bool" typo in CKAN
            if kind == "param" and name:
                params.setdefault(name, Parameter(name)).description = rest
            elif kind == "type" and name:
                params.setdefault(name, Parameter(name)).type = rest
            elif kind == "rtype":
                returns = rest
            current = (kind, name)
            continue
        if current is not None and line:
            kind, name = current
            if kind == "param" and name:
                params[name].description += " " + line
            elif kind == "type" and name:
                params[name].type += " " + line
            elif kind == "rtype":
                returns += " " + line
            continue
        current = None
        prose.append(raw)
    body = clean("\n".join(prose)).strip()
    summary = body.split("\n\n", 1)[0].replace("\n", " ").strip()
    for p in params.values():
        p.description, p.type = clean(p.description).strip(), clean(p.type).strip()
    return ActionDoc(summary=summary, description=body, params=params, returns=clean(returns).strip())


def clean(text: str) -> str:
    """reST roles and literals as plain text."""
    return ROLE.sub(r"\1", text).replace("``", "`")
