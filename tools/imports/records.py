"""A stored product read back as the feed described it, for enrichment to derive from again."""

from __future__ import annotations

from tools.db.models import Product
from tools.enrichment.batch import Described

_FEED_OWN = ("department", "category", "colours", "pattern", "fabric")


def described_record(p: Product) -> Described:
    """What enrichment reads of a stored product: the feed's own values, never derived ones."""
    sources = p.attribute_sources or {}
    said = {name: getattr(p, name) if sources.get(name) == "feed" else None for name in _FEED_OWN}
    raw = dict(p.raw_attributes or {})
    tags = [t.strip() for t in str(raw.get("tags", "")).split(",") if t.strip()]
    return Described(p.brand, {
        "title": p.title_it, "description": p.description_it, "product_type": p.product_type,
        "google_product_category": p.google_product_category, "tags": tags,
        "department": said["department"], "category": said["category"], "colours": said["colours"] or [],
        "pattern": said["pattern"], "fabric": said["fabric"], "material": p.material,
        "raw_attributes": raw})
