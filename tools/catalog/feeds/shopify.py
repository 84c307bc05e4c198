"""Shopify's product CSV export, in its classic (`Handle`, `Variant SKU`) and current (`URL handle`,
`SKU`) headers. A product's first row carries its fields; the rows after it with the same handle
carry only a variant's columns (or only an extra image) and inherit the rest. Each variant becomes
a Merchant-style row: options Size/Taglia → size, Color/Colour/Colore → color, Handle →
item_group_id, Type → product_type, Compare At Price above Price → a sale."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from tools.catalog.feeds.rows import FeedProblem, FeedVariant
from tools.catalog.feeds.tables import TableRow, read_table
from tools.catalog.feeds.values import BadValue, parse_count, parse_price
from tools.catalog.feeds.variants import ID_MAX, Raw, VariantBuilder

_COLUMNS = {
    "handle": "handle", "url handle": "handle", "title": "title", "body (html)": "body",
    "description": "body", "vendor": "vendor", "type": "type", "tags": "tags",
    "product category": "category", "google shopping / google product category": "category",
    "status": "status", "variant sku": "sku", "sku": "sku", "variant barcode": "barcode",
    "barcode": "barcode", "variant price": "price", "price": "price",
    "variant compare at price": "compare_at", "compare-at price": "compare_at",
    "compare at price": "compare_at", "variant inventory qty": "qty", "inventory quantity": "qty",
    "variant inventory tracker": "tracker", "inventory tracker": "tracker",
    "variant inventory policy": "policy", "continue selling when out of stock": "policy",
    "image src": "image", "product image url": "image", "image position": "image_position",
    "variant image": "variant_image", "variant image url": "variant_image",
    "google shopping / gender": "gender", "google shopping / age group": "age_group",
    "google shopping / mpn": "mpn", "google shopping / condition": "condition",
}
for _n in (1, 2, 3):
    _COLUMNS[f"option{_n} name"] = f"option{_n}_name"
    _COLUMNS[f"option{_n} value"] = f"option{_n}_value"
_PRODUCT = ("title", "body", "vendor", "type", "tags", "category", "status", "gender", "age_group",
            "condition", "option1_name", "option2_name", "option3_name")
_VARIANT = ("sku", "price", "option1_value", "option2_value", "option3_value")
_OPTIONS = {"size": "size", "taglia": "size", "misura": "size", "color": "color", "colour": "color",
            "colore": "color", "material": "material", "materiale": "material"}
_UNSELLABLE = {"draft", "archived"}


def shopify_column(header: str) -> str:
    name = re.sub(r"\s+", " ", header.strip().lower())
    return _COLUMNS.get(name, f"extra:{header.strip()}")


def looks_like_shopify(columns: set[str]) -> bool:
    return "handle" in columns and bool(columns & {"sku", "price", "option1_name"})


def read_shopify(path: Path, *, max_bytes: int, builder: VariantBuilder
                 ) -> Iterator[FeedVariant | FeedProblem]:
    group: list[TableRow] = []
    for row in read_table(path, max_bytes=max_bytes, delimiters=",;", what="a Shopify product export",
                          canonical=shopify_column, required=("handle", "title", "price"),
                          labels={"handle": "Handle", "title": "Title", "price": "Variant Price"}):
        handle = row.cells.get("handle", "").strip()
        if group and handle != group[0].cells["handle"].strip():
            yield from _product(group, builder)
            group = []
        group.append(row)
    if group:
        yield from _product(group, builder)


def _cell(row: TableRow, name: str) -> str | None:
    value = row.cells.get(name, "")
    return value.strip() or None


def _product(rows: list[TableRow], builder: VariantBuilder) -> Iterator[FeedVariant | FeedProblem]:
    first = rows[0]
    handle = _cell(first, "handle")
    if not handle:
        for row in rows:
            yield FeedProblem(line=row.line, id=_cell(row, "sku"), field="Handle",
                              reason="Handle is empty; every row needs its product's handle")
        return
    if not _cell(first, "title"):
        for row in rows:
            yield FeedProblem(line=row.line, id=_cell(row, "sku") or handle, field="Title",
                              reason=f"product '{handle}' has no first row with its Title: its rows must "
                                     "follow each other, the first one carrying the product's fields")
        return
    status = (_cell(first, "status") or "active").lower()
    variants = [r for r in rows if any(_cell(r, c) for c in _VARIANT)]
    if status in _UNSELLABLE:
        for row in variants:
            yield FeedProblem(line=row.line, id=_cell(row, "sku") or handle, field="Status",
                              reason=f"product '{handle}' is {status} in Shopify; not imported")
        return
    product = {c: _cell(first, c) for c in _PRODUCT}
    placed = [(_position(r, i), _cell(r, "image")) for i, r in enumerate(rows)]
    images = [url for _, url in sorted(placed) if url]
    for row in variants:
        yield from builder.build(row.line, *_variant(row, handle, product, images))


def _position(row: TableRow, index: int) -> tuple[int, int]:
    try:
        return parse_count(_cell(row, "image_position") or ""), index
    except BadValue:
        return 1_000_000, index


def _variant(row: TableRow, handle: str, product: dict[str, str | None], images: list[str]
             ) -> tuple[dict[str, Raw], dict[str, str]]:
    fields: dict[str, Raw] = {
        "item_group_id": handle, "title": product["title"], "description": product["body"],
        "brand": product["vendor"], "product_type": product["type"],
        "google_product_category": product["category"], "gender": product["gender"],
        "age_group": product["age_group"], "condition": product["condition"],
        "gtin": _cell(row, "barcode"), "mpn": _cell(row, "mpn"), "quantity": _cell(row, "qty"),
        "tags": [t.strip() for t in (product["tags"] or "").split(",") if t.strip()],
    }
    extra = {k.removeprefix("extra:"): v for k, v in row.cells.items()
             if k.startswith("extra:") and v.strip()}
    chosen = []
    for n in (1, 2, 3):
        name, value = product[f"option{n}_name"], _cell(row, f"option{n}_value")
        if not name or not value or (name.lower() == "title" and value.lower() == "default title"):
            continue
        chosen.append(value)
        target = _OPTIONS.get(name.strip().lower())
        if target:
            fields[target] = value
        else:
            extra[name] = value
    fields["id"] = _cell(row, "sku") or _derived_id(handle, chosen)
    variant_image = _cell(row, "variant_image")
    fields["image_link"] = variant_image or (images[0] if images else None)
    fields["additional_image_link"] = [u for u in images if u != fields["image_link"]]
    fields.update(_prices(row))
    fields["availability"] = _availability(row)
    return fields, extra


def _derived_id(handle: str, options: list[str]) -> str:
    """A variant without a SKU: its handle and option values, shortened with a hash when long."""
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join([handle, *options]).lower()).strip("-")
    if len(slug) <= ID_MAX:
        return slug
    return f"{slug[:ID_MAX - 9].rstrip('-')}-{hashlib.sha1(slug.encode()).hexdigest()[:8]}"


def _prices(row: TableRow) -> dict[str, Raw]:
    """Compare At Price above Price is a sale: the Merchant price is the Compare At one."""
    price, compare = _cell(row, "price"), _cell(row, "compare_at")
    if price and compare:
        try:
            if parse_price(compare).amount > parse_price(price).amount:
                return {"price": compare, "sale_price": price}
        except BadValue:
            pass  # the price itself is judged (and reported) by the builder
    return {"price": price, "sale_price": None}


def _availability(row: TableRow) -> str | None:
    """Stock Shopify tracks: above 0 in stock; otherwise backorder when it keeps selling."""
    qty, tracker = _cell(row, "qty"), _cell(row, "tracker")
    if qty is None or (tracker is None and "tracker" in row.cells):
        return None
    try:
        count = parse_count(qty)
    except BadValue:
        return None
    if count > 0:
        return "in_stock"
    keeps_selling = (_cell(row, "policy") or "").lower() in ("continue", "true")
    return "backorder" if keeps_selling else "out_of_stock"
