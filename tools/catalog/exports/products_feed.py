"""The catalog as a Google Merchant product feed: one row per variant (size), rows of one product
sharing `item_group_id` (the product's sku), with the shop's online stock as `availability`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from sqlalchemy import Row, Select, and_, func, select
from sqlalchemy.orm import Session, noload

from tools.catalog.exports import labels
from tools.catalog.exports.labels import Language
from tools.catalog.exports.selection import feed_prices, keyset_pages, money, net_units, only_listed, own
from tools.catalog.exports.writers import (
    ExportError,
    ExportSummary,
    Format,
    Progress,
    check_target,
    open_feed,
)
from tools.db.engine import session_scope
from tools.db.models import Inventory, Product, Variant
from tools.db.shop import Shop
from tools.taxonomy import LOCATION_ONLINE

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
VARIANTS_PER_PRODUCT = 4  # about: a page of products holds about PAGE_SIZE variants
# Google's product data attributes, in the order of its specification.
PRODUCT_COLUMNS = ("id", "title", "description", "link", "image_link", "availability", "price",
                   "sale_price", "brand", "gtin", "condition", "google_product_category", "product_type",
                   "item_group_id", "gender", "age_group", "color", "size", "size_system", "material",
                   "pattern")

def absolute(base_url: str, path: str | None) -> str | None:
    if not path:
        return None
    if path.startswith(("http://", "https://")):
        return path
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def product_url(base_url: str, sku: str) -> str:
    """The storefront's page of the product."""
    return f"{base_url.rstrip('/')}/products/{quote(sku, safe='')}"


def variant_row(product: Product, variant: Variant, online_units: int, language: Language,
                base_url: str) -> dict[str, str | None]:
    """One Merchant item. Columns migration 0002 adds (a feed's own gender, colour, gtin, ...) win
    over what the shop's keys say."""
    price, sale_price = feed_prices(product.price, own(product, "list_price"))
    currency = product.currency or "EUR"
    department = product.department
    colours = product.colours or []
    size_system = variant.size_system if variant.size_system in labels.GOOGLE_SIZE_SYSTEMS else None
    english = language == "en"
    return {
        "id": variant.id,
        "title": (product.title_en if english else product.title_it) or product.title_it,
        "description": product.description_en if english else product.description_it,
        "link": product_url(base_url, product.sku),
        "image_link": absolute(base_url, product.image),
        "availability": "in_stock" if online_units > 0 else "out_of_stock",
        "price": money(price, currency),
        "sale_price": money(sale_price, currency),
        "brand": product.brand,
        "gtin": own(variant, "gtin"),
        "condition": "new",
        "google_product_category": own(product, "google_product_category")
        or labels.GOOGLE_CATEGORIES.get(product.category or ""),
        "product_type": labels.product_type(department, product.category, language)
        or own(product, "product_type"),
        "item_group_id": product.sku,
        "gender": own(product, "gender") or labels.GENDERS.get(department or ""),
        "age_group": own(product, "age_group") or labels.AGE_GROUPS.get(department or ""),
        "color": labels.colour_label(own(variant, "colour") or (colours[0] if colours else None), language),
        "size": variant.size,
        "size_system": size_system,
        "material": labels.material(product.fabric, language) or own(product, "material"),
        "pattern": labels.pattern_label(product.pattern, language),
    }


def _products_page(after: tuple[Any, ...] | None, size: int) -> Select[Any]:
    # Products, then their variants in one more query: each product's JSON attributes are decoded
    # once, not once per size.
    statement = select(Product).options(noload(Product.variants))
    if after is not None:
        statement = statement.where(Product.id > after[0])
    return only_listed(statement).order_by(Product.id).limit(max(1, size // VARIANTS_PER_PRODUCT))


def _variants_with_online_stock(session: Session, product_ids: list[int]) -> list[Row[Any]]:
    online = and_(Inventory.variant_id == Variant.id, Inventory.location == LOCATION_ONLINE)
    return list(session.execute(
        select(Variant, Inventory.quantity, Inventory.reserved).outerjoin(Inventory, online)
        .where(Variant.product_id.in_(product_ids)).order_by(Variant.product_id, Variant.id)))


def count_variants(shop: Shop) -> int:
    with session_scope(shop.engine) as session:
        statement = only_listed(select(func.count(Variant.id))
                                .join(Product, Product.id == Variant.product_id))
        return int(session.scalar(statement) or 0)


def export_products(shop: Shop, out: Path | TextIO, format: Format = "tsv", language: Language = "it",
                    base_url: str = DEFAULT_BASE_URL, progress: Progress | None = None) -> ExportSummary:
    """Write the catalog as a Merchant feed (TSV or RSS 2.0 XML); raises ExportError when there is
    nothing to export or the file cannot be written."""
    if language not in ("it", "en"):
        raise ExportError(f"language must be it or en, not {language!r}")
    check_target(out, format)
    total = count_variants(shop)
    if total == 0:
        raise ExportError("the catalog has no products: nothing to export (run `sarto seed` or "
                          "`sarto import products` first)")

    def convert(session: Session, rows: Sequence[Row[Any]]) -> list[dict[str, str | None]]:
        products = {row.Product.id: row.Product for row in rows}
        return [variant_row(products[variant.product_id], variant, net_units(quantity, reserved), language,
                            base_url)
                for variant, quantity, reserved in _variants_with_online_stock(session, list(products))]

    written = 0
    title = "Sarto — catalogo" if language == "it" else "Sarto — catalog"
    with open_feed(out, format, PRODUCT_COLUMNS, title, base_url) as feed:
        for page in keyset_pages(shop, _products_page, lambda row: (row.Product.id,), convert):
            for values in page:
                feed.row(values)
            written += len(page)
            if progress is not None:
                progress(written, total)
    return ExportSummary(rows=written, format=format)
