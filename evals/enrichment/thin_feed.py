"""A seed shop as a thin retailer's Merchant TSV, in one language: what a real feed says (title,
fabric, care, a retailer's own menu path) and none of what Sarto derives (occasions, formality,
seasons, fit, style, pairings), so enrichment can be scored against the seed without the answer
leaking through the feed."""

from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path

from sqlalchemy import select

from catalog_seed.assortment import SUBCATEGORIES
from catalog_seed.fabrics import FIBRE_EN, FIBRE_IT
from tools.catalog.exports import labels
from tools.catalog.exports.labels import Language
from tools.catalog.exports.products_feed import PRODUCT_COLUMNS, export_products
from tools.db.engine import session_scope
from tools.db.models import Product
from tools.db.shop import Shop

# Google's product attributes only: no column a retailer would not have.
THIN_COLUMNS = PRODUCT_COLUMNS
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ])")
_COMPOSITION = re.compile(r"\d{1,3}\s*%")
_CARE = re.compile(r"^(cura|care)\s*:", re.IGNORECASE)


def fabric_and_care(description: str | None) -> str:
    """Only the sentences that state the composition or the care; the seed's fit/occasion/pairing
    and details sentences say outright what enrichment must work out, so they go."""
    kept = [s for s in _SENTENCE_END.split((description or "").strip())
            if _COMPOSITION.search(s) or _CARE.match(s)]
    return " ".join(kept)


def composition(fabric: list[dict[str, object]] | None, language: Language) -> str | None:
    """'70% lana vergine, 30% cashmere' as a label says it."""
    names = FIBRE_IT if language == "it" else FIBRE_EN
    parts = [f"{f['pct']}% {names.get(str(f['fibre']), str(f['fibre']))}"
             for f in fabric or [] if isinstance(f, dict) and f.get("fibre")]
    return ", ".join(parts) or None


def subcategory_name(category: str | None, subcategory: str | None, language: Language) -> str | None:
    """The seed's own noun for the subcategory ("Giacca doppiopetto", "Double-breasted blazer"):
    the leaf of a retailer's menu, never Sarto's key."""
    for sub in SUBCATEGORIES.get(category or "", ()):
        if sub.key == subcategory:
            name = sub.it if language == "it" else sub.en
            return name[0].upper() + name[1:]
    return None


def retailer_path(product: Product, language: Language) -> str | None:
    """'Uomo > Giacche > Giacca doppiopetto': department, category plural, subcategory leaf."""
    parts = (labels.department_label(product.department, language),
             labels.category_label(product.category, language),
             subcategory_name(product.category, product.subcategory, language))
    return " > ".join(p for p in parts if p) or None


def _thin_fields(shop: Shop, language: Language) -> dict[str, dict[str, str | None]]:
    """Per seed SKU, the columns the thin feed writes differently from the shop's own export."""
    with session_scope(shop.engine) as s:
        products = s.scalars(select(Product).where(Product.retired.is_(False))).all()
        return {p.sku: {"product_type": retailer_path(p, language),
                        "material": composition(p.fabric, language)} for p in products}


def write_thin_feed(shop: Shop, out: Path, language: Language) -> int:
    """Write the thin TSV of `shop` in `language`; the number of variant rows written. Built on
    the shop's real Merchant export (prices, stock, ids), then thinned column by column."""
    fields = _thin_fields(shop, language)
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "full.tsv"
        export_products(shop, full, "tsv", language=language)
        with full.open(encoding="utf-8", newline="") as src, \
                out.open("w", encoding="utf-8", newline="") as dst:
            reader = csv.DictReader(src, delimiter="\t")
            writer = csv.DictWriter(dst, THIN_COLUMNS, delimiter="\t", lineterminator="\n",
                                    extrasaction="ignore")
            writer.writeheader()
            rows = 0
            for row in reader:
                own = fields.get(row["item_group_id"], {})
                row["description"] = fabric_and_care(row.get("description"))
                row.update({k: v or "" for k, v in own.items()})
                writer.writerow(row)
                rows += 1
    return rows
