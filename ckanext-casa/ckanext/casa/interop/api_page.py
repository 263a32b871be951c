"""``/documentation/api`` (fr, ar, en by the path's prefix): the operations
of the OpenAPI description, as a page, with examples in curl, ckanapi and
Python. The page is rendered on the server from ``openapi.document()``,
so that every word around the API's own names is in the page's language."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.casa.interop import openapi


def api_page() -> Any:
    doc = openapi.document()
    operations = []
    for path, item in doc["paths"].items():
        op = item.get("get") or item["post"]
        params = item["get"]["parameters"] if "get" in item else [
            {"name": k, "schema": v, "required": k in op["requestBody"]["content"]["application/json"]["schema"]
             .get("required", [])}
            for k, v in op["requestBody"]["content"]["application/json"]["schema"]["properties"].items()]
        operations.append({
            "name": path.removeprefix("/action/"),
            "methods": " | ".join(m.upper() for m in ("get", "post") if m in item),
            "summary": op.get("summary", ""),
            "parameters": [{"name": p["name"], "type": p["schema"].get("type", ""), "required": p["required"]}
                           for p in params],
        })
    site = str(tk.config.get("ckan.site_url") or "").rstrip("/")
    return tk.render("casa/interop/api.html", {
        "operations": operations, "spec_url": f"{site}/api/openapi.json", "api_url": f"{site}/api/3",
        "site_url": site,
    })
