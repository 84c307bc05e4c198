"""Enrich many products at once: a brand's house style is read across its whole range.

A brand whose pieces read more formal than their categories' norm (a tailoring house) leans its
ambiguous pieces that way too; one with fewer than HOUSE_MIN products has no house style to read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tools.enrichment.enrich import enrich
from tools.enrichment.values import Enrichment

HOUSE_MIN = 5
HOUSE_WEIGHT = 1.5  # how far a brand's average lean moves its own pieces


@dataclass(frozen=True)
class Described:
    """What a feed says of one product: `enrich`'s keyword arguments, and its brand."""

    brand: str | None
    fields: dict[str, Any]


def enrich_many(products: Sequence[Described]) -> list[Enrichment]:
    first = [enrich(**p.fields) for p in products]
    leans: dict[str, list[float]] = defaultdict(list)
    for product, found in zip(products, first, strict=True):
        if product.brand and found.get("formality") is not None:
            leans[product.brand].append(found.lean)
    house = {brand: HOUSE_WEIGHT * sum(v) / len(v) for brand, v in leans.items() if len(v) >= HOUSE_MIN}
    return [enrich(**p.fields, house_lean=house[p.brand]) if p.brand in house else found
            for p, found in zip(products, first, strict=True)]
