"""`sarto enrich`: derive the imported products' attributes again (after the rules improved, or
after the retailer changed an override), as one job: other workers see the change like an import's.

Only what the retailer's feed said is read again; every derived value is derived anew. Seed
products are left alone: their attributes are the generator's own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from tools.db.engine import session_scope
from tools.db.models import Product
from tools.db.shop import Shop
from tools.enrichment.batch import enrich_many
from tools.enrichment.llm import AnswerCache, Labeller, llm_pass
from tools.imports import jobs
from tools.imports.apply import Applied, Counts
from tools.imports.records import described_record
from tools.imports.run import LLM_CACHE, refresh_index, writer_lock

_DERIVED = ("department", "category", "subcategory", "colours", "pattern", "fabric", "fit", "formality",
            "occasions", "seasons", "style", "emotional", "compatible_categories", "target_age",
            "attribute_sources", "attribute_confidence")


@dataclass
class Reenriched:
    job_id: str
    products: int
    changed: int
    seconds: float


def reenrich(shop: Shop, labeller: Labeller | None = None) -> Reenriched:
    """Enrich every product that came from a feed again; write the ones whose attributes changed."""
    started = time.perf_counter()
    job_id = jobs.create_job(shop.engine, "enrich", "full", "(catalog)", False)
    jobs.start_job(shop.engine, job_id)
    changed: list[dict[str, Any]] = []
    skus: list[str] = []
    try:
        with writer_lock(shop), session_scope(shop.engine) as session:
            products = list(session.scalars(select(Product).where(Product.origin == "feed")))
            described = [described_record(p) for p in products]
            enrichments = enrich_many(described)
            if labeller is not None:
                items = [(p.sku, d.fields, e)
                         for p, d, e in zip(products, described, enrichments, strict=True)]
                enrichments, _ = llm_pass(items, labeller.ask, labeller.model,
                                          AnswerCache(shop.data_dir / LLM_CACHE))
            for product, enriched in zip(products, enrichments, strict=True):
                values = {k: v for k, v in enriched.columns().items() if k in _DERIVED}
                guessed = (product.attribute_sources or {}).get("category") == "model"
                if guessed and values["category"] is None:
                    continue  # the rules still cannot read it: the model's reading stands
                if any(getattr(product, k) != v for k, v in values.items()):
                    changed.append({"id": product.id, **values})
                    skus.append(product.sku)
            for start in range(0, len(changed), 1000):
                session.execute(update(Product), changed[start:start + 1000])
        # products still of unknown category get the model's reading too
        unknown = [p.sku for p in products if p.category is None and p.sku not in skus]
        refresh_index(shop, "products", Applied(Counts(), changed_skus=skus + unknown))
    except Exception as exc:
        jobs.finish_job(shop.engine, job_id, succeeded=False, counts={}, problems=[],
                        error=f"enrichment failed and nothing was applied ({type(exc).__name__})",
                        report_path=None)
        raise
    counts = {"read": len(products), "updated": len(changed)}
    jobs.finish_job(shop.engine, job_id, succeeded=True, counts=counts, problems=[], error=None,
                    report_path=None)
    return Reenriched(job_id, len(products), len(changed), time.perf_counter() - started)
