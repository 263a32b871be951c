"""What the publish tests share (a sibling module: pytest puts this folder
on the import path, the tests' folders having no __init__.py)."""

from __future__ import annotations

from pathlib import Path

import psycopg
from casa_pipelines.publish.swap import table_resource_id
from casa_pipelines.releases.record import list_releases

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "validation" / "population-2024"


def public_rows(url: str, slug: str, columns: str = "code, milieu, population_legale") -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(f'SELECT {columns} FROM public."{table_resource_id(slug)}" ORDER BY code, milieu'
                            ).fetchall()


def statuses(url: str, slug: str) -> dict[int, str]:
    with psycopg.connect(url) as conn:
        return {r.number: r.status for r in list_releases(conn, slug)}


def edited(tmp_path: Path, name: str, replace: tuple[str, str], drop_code: str | None = None) -> Path:
    lines = (EXAMPLES / "valid.csv").read_text(encoding="utf-8").splitlines()
    out = [line.replace(*replace) for line in lines if not (drop_code and line.startswith(drop_code + ","))]
    path = tmp_path / name
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
