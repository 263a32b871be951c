"""Seeded generator of the ingest benchmark's files: a register of public
equipment (N rows) and a copy with known injected errors."""

from __future__ import annotations

import csv
import random
from pathlib import Path

CATEGORIES = ["enseignement", "sante", "sport", "culture", "espace-vert", "administration"]
NAMES_FR = ["École", "Centre de santé", "Terrain de sport", "Maison de la culture", "Parc", "Annexe administrative"]
NAMES_AR = ["مدرسة", "مركز صحي", "ملعب", "دار الثقافة", "حديقة", "ملحقة إدارية"]
QUARTERS = ["Sidi Moumen", "Aïn Sebaâ", "Hay Mohammadi", "Maârif", "Anfa", "Ben M'Sick", "Sbata", "Hay Hassani"]
HEADER = ["id", "nom_fr", "nom_ar", "categorie", "arrondissement_code", "date_ouverture", "capacite",
          "surface_m2", "accessible", "lon", "lat"]
# (column index, bad value): each is injected every INJECT_EVERY rows, in turn.
INJECTIONS = [(6, "n/a"), (5, "2023-02-30"), (3, "hopital"), (9, "33.59"), (0, "EQ-12"), (7, "-5"),
              (8, "oui"), (4, "6.141"), (10, "")]
INJECT_EVERY = 997


def rows(n: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    out = []
    for i in range(1, n + 1):
        k = rng.randrange(len(CATEGORIES))
        quarter = rng.choice(QUARTERS)
        out.append([
            f"EQ-{i:07d}", f"{NAMES_FR[k]} {quarter} {i % 97}", f"{NAMES_AR[k]} {i % 97}", CATEGORIES[k],
            f"06.141.{rng.randrange(1, 9):02d}.{rng.randrange(1, 10)}",
            f"{rng.randrange(1950, 2025)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            str(rng.randrange(0, 3000)) if rng.random() > 0.1 else "", f"{rng.uniform(50, 90000):.1f}",
            rng.choice(["true", "false"]), f"{rng.uniform(-7.75, -7.45):.5f}", f"{rng.uniform(33.45, 33.65):.5f}",
        ])
    return out


def write(path: Path, data: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(data)


def generate(directory: Path, n: int = 1_000_000, seed: int = 20180201) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    clean, broken = directory / f"equipements-{n}.csv", directory / f"equipements-{n}-errors.csv"
    if clean.exists() and broken.exists():
        return clean, broken
    data = rows(n, seed)
    write(clean, data)
    for j, i in enumerate(range(INJECT_EVERY, n, INJECT_EVERY)):
        col, value = INJECTIONS[j % len(INJECTIONS)]
        data[i][col] = value
    data.insert(n // 2, data[n // 3][:])  # one duplicate primary key
    data.insert(n // 4, data[10][:3])  # one short row
    write(broken, data)
    return clean, broken
