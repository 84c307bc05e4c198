"""Zero-shot category for rows the lexicons cannot read: MiniLM compares the product's own index
vector (already computed for search) with one prototype sentence per category, in both languages.

Only a clear winner counts (a floor on similarity and a margin over the runner-up): a weak guess
would put a product in outfits it does not belong to. The answer is the model's, and says so.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from tools.catalog.embeddings import Embedder
from tools.taxonomy import CATEGORIES

FLOOR = 0.35  # cosine below this names nothing
MARGIN = 0.04  # the winner must beat the runner-up by this much


@lru_cache(maxsize=4)
def _prototypes(space: str, embedder: Embedder) -> tuple[list[str], np.ndarray]:
    """One vector per name of each category (its IT and EN labels and synonyms): a product is as
    near a category as it is to the nearest of its names."""
    owners: list[str] = []
    phrases: list[str] = []
    for key, cat in CATEGORIES.items():
        for phrase in dict.fromkeys((cat.it, cat.en, *cat.synonyms)):
            owners.append(key)
            phrases.append(phrase)
    vectors = embedder.encode(phrases)
    return owners, vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def categories_of(vectors: dict[str, np.ndarray], embedder: Embedder,
                  allowed: dict[str, tuple[str, ...]] | None = None) -> dict[str, tuple[str, float]]:
    """sku → (category, confidence) for the vectors with a clear nearest prototype; `allowed`
    limits a product to the categories of its department when that is known."""
    if not vectors:
        return {}
    owners, protos = _prototypes(embedder.space, embedder)
    keys = list(CATEGORIES)
    member = np.array([[owner == key for owner in owners] for key in keys])  # (categories, phrases)
    out: dict[str, tuple[str, float]] = {}
    for sku, vector in vectors.items():
        phrase_sims = protos @ (vector / (np.linalg.norm(vector) or 1.0))
        sims = np.where(member, phrase_sims[None, :], -1.0).max(axis=1)
        permitted = (allowed or {}).get(sku)
        if permitted:
            sims = np.where([k in permitted for k in keys], sims, -1.0)
        order = np.argsort(sims)[::-1]
        best, second = float(sims[order[0]]), float(sims[order[1]])
        if best >= FLOOR and best - second >= MARGIN:
            # similarity says how alike, not how likely: keep model values below the rules'
            out[sku] = (keys[int(order[0])], round(min(0.7, 0.3 + (best - FLOOR) + (best - second)), 2))
    return out
