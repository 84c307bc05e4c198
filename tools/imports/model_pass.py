"""After an import's index sync: products whose words name no category the lexicons know get one
from the MiniLM prototypes (tools.enrichment.prototypes), read off the vectors search already holds,
and every attribute that follows from the category is derived from it — at the model's confidence.

It runs after the import committed: it only adds what was unknown, so a failure leaves the import
whole (the products stay unknown, as they were).
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from tools.catalog.index import catalog_index
from tools.db.engine import session_scope
from tools.db.models import Product
from tools.db.shop import Shop
from tools.enrichment.enrich import enrich
from tools.enrichment.prototypes import categories_of
from tools.imports.records import described_record
from tools.taxonomy import CATEGORIES

log = logging.getLogger(__name__)
_BATCH = 1000


def fill_by_model(shop: Shop, skus: list[str]) -> list[str]:
    """The skus whose category (and what follows from it) the model filled in."""
    index = catalog_index(shop, for_sync=True)
    filled: list[str] = []
    for start in range(0, len(skus), _BATCH):
        with session_scope(shop.engine) as session:
            products = list(session.scalars(select(Product).where(
                Product.sku.in_(skus[start:start + _BATCH]), Product.origin == "feed",
                Product.category.is_(None), Product.retired.is_(False))))
            if not products:
                continue
            allowed = {p.sku: tuple(k for k, c in CATEGORIES.items() if p.department in c.departments)
                       for p in products if p.department}
            found = categories_of(index.vectors_of([p.sku for p in products]), index.embedder, allowed)
            for product in products:
                if product.sku not in found:
                    continue
                category, sure = found[product.sku]
                described = described_record(product)
                enriched = enrich(**(described.fields | {"category": category}))
                columns = enriched.columns()
                sources = dict(columns["attribute_sources"]) | {"category": "model"}
                # what follows from a guessed category is no surer than the guess
                confidence = {k: round(min(v, sure), 2) for k, v in columns["attribute_confidence"].items()}
                for name, value in columns.items():
                    setattr(product, name, value)
                product.attribute_sources, product.attribute_confidence = sources, confidence
                filled.append(product.sku)
    if filled:
        log.info("the model named the category of %d products the lexicons could not read", len(filled))
    return filled
