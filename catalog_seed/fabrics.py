"""Fabrics the seed shop sells (data/fabrics.json): composition, seasons, price effect and care."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Fabric:
    key: str
    it: str
    en: str
    composition: tuple[tuple[str, int], ...]  # (fibre from taxonomy.FIBRES, percent); sums to 100
    seasons: tuple[str, ...]
    price_bump: float  # shifts the price position: cashmere and silk dearer, blends cheaper
    care: str
    note: tuple[str, str]  # a short quality note (IT, EN) for descriptions
    eco: tuple[str, ...] = ()  # sustainability claims this fabric can carry
    formality: tuple[int, int] = (1, 5)


FIBRE_IT = {
    "wool": "lana", "cotton": "cotone", "linen": "lino", "silk": "seta", "cashmere": "cashmere",
    "polyester": "poliestere", "polyamide": "poliammide", "elastane": "elastan", "viscose": "viscosa",
    "leather": "pelle", "suede": "camoscio", "down": "piuma d'oca",
    "recycled_polyester": "poliestere riciclato", "gore-tex": "membrana Gore-Tex",
}  # fmt: skip
FIBRE_EN = {k: k.replace("_", " ").replace("gore-tex", "Gore-Tex membrane") for k in FIBRE_IT}


def _load() -> tuple[dict[str, tuple[Fabric, ...]], dict[str, tuple[str, str]]]:
    data = json.loads((Path(__file__).parent / "data" / "fabrics.json").read_text(encoding="utf-8"))
    fabrics = {
        key: Fabric(key, f["it"], f["en"], tuple((c[0], int(c[1])) for c in f["composition"]),
                    tuple(f["seasons"]), float(f["price_bump"]), f["care"], (f["note"][0], f["note"][1]),
                    tuple(f["eco"]), (f["formality"][0], f["formality"][1]))
        for key, f in data["fabrics"].items()
    }  # fmt: skip
    by_category = {cat: tuple(fabrics[k] for k in keys) for cat, keys in data["by_category"].items()}
    care = {k: (v[0], v[1]) for k, v in data["care"].items()}
    return by_category, care


FABRICS_BY_CATEGORY, CARE = _load()


def composition_text(fabric: Fabric, language: str) -> str:
    names = FIBRE_IT if language == "it" else FIBRE_EN
    return ", ".join(f"{pct}% {names[fibre]}" for fibre, pct in fabric.composition)
