"""One variant row, whatever the format it came in: Merchant field names in, a FeedVariant (with
warnings for fields dropped) or the errors that reject the row out. Every product format —
Merchant XML and TSV, Shopify, generic CSV/JSONL — ends here, so they all judge rows alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from tools.catalog.feeds.markup import html_to_text
from tools.catalog.feeds.problems import RowProblems
from tools.catalog.feeds.rows import FeedProblem, FeedVariant
from tools.catalog.feeds.values import (
    AGE_GROUPS,
    CONDITIONS,
    BadValue,
    PriceFormat,
    clean,
    parse_availability,
    parse_choice,
    parse_count,
    parse_gender,
    parse_gtin,
    parse_price,
    parse_url,
    split_list,
)

ID_MAX = 64
TITLE_MAX = 200  # cut there, with a warning (Google shows 150)
DESCRIPTION_MAX = 5000  # Google's limit; cut there, with a warning
# Longer values are dropped with a warning: they would not fit the catalog's columns.
LIMITS = {"link": 1000, "image_link": 1000, "brand": 48, "mpn": 70, "google_product_category": 500,
          "product_type": 500, "color": 48, "size": 24, "size_system": 8, "size_type": 24,
          "material": 200, "pattern": 100}
TEXT_FIELDS = ("brand", "mpn", "google_product_category", "product_type", "color", "size",
               "size_system", "size_type", "material", "pattern")
# Every field a row may carry, by its Merchant name (what `build` reads).
FIELDS = ("id", "item_group_id", "title", "description", "link", "image_link", "additional_image_link",
          "availability", "price", "sale_price", "currency", "brand", "gtin", "mpn", "condition",
          "google_product_category", "product_type", "gender", "age_group", "color", "size",
          "size_system", "size_type", "material", "pattern", "quantity", "tags")

Raw = str | list[str] | None


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(" ,.;-")


class VariantBuilder:
    """Judges one file's rows: remembers the ids seen so a second use of an id is rejected."""

    def __init__(self, *, currency: str = "EUR", price_format: PriceFormat = "auto",
                 defaults: Mapping[str, str] | None = None) -> None:
        self.currency = currency
        self.price_format = price_format
        self.defaults = dict(defaults or {})
        self.seen: dict[str, int] = {}

    def build(self, line: int, fields: Mapping[str, Raw], extra: Mapping[str, str] | None = None
              ) -> list[FeedVariant | FeedProblem]:
        """The variant and its warnings, or only the errors that reject the row."""
        row = RowProblems(line)
        values = self._clean(row, fields)
        kept_extra = self._extra(row, extra or {})
        if row.errors:
            return list(row.errors)
        variant = self._variant(row, values, kept_extra)
        if row.errors or variant is None:
            return list(row.errors)
        return [*row.warnings, variant]

    def _clean(self, row: RowProblems, fields: Mapping[str, Raw]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in FIELDS:  # id first, so the problems of the other fields name the row
            raw = fields.get(name) or self.defaults.get(name)
            try:
                if not raw:
                    values[name] = None
                elif isinstance(raw, list):
                    values[name] = [v for v in (clean(x) for x in raw) if v]
                else:
                    values[name] = clean(raw)
            except BadValue as e:
                values[name] = None
                row.error(name, f"{name} {e}")
            if name == "id":
                row.id = _first(values["id"])
        return values

    def _extra(self, row: RowProblems, extra: Mapping[str, str]) -> dict[str, str]:
        kept: dict[str, str] = {}
        for key, raw in extra.items():
            try:
                name, value = clean(key), clean(raw)
            except BadValue as e:
                row.error(key, f"column '{key}' {e}")
                continue
            if name and value:
                kept[name] = value
        return kept

    def _variant(self, row: RowProblems, v: dict[str, Any], extra: dict[str, str]) -> FeedVariant | None:
        variant_id, title = _first(v["id"]), _first(v["title"])
        if not variant_id:
            row.error("id", "id is missing; every variant needs its own id")
        elif len(variant_id) > ID_MAX:
            row.error("id", f"id is {len(variant_id)} characters; at most {ID_MAX}")
        elif variant_id in self.seen:
            row.error("id", f"id '{variant_id}' is already used on line {self.seen[variant_id]}; "
                            "each variant needs its own id")
        else:
            self.seen[variant_id] = row.line
        group = _first(v["item_group_id"])
        if group and len(group) > ID_MAX:
            row.error("item_group_id", f"item_group_id is {len(group)} characters; at most {ID_MAX}")
        if not title:
            row.error("title", "title is missing")
        elif len(title) > TITLE_MAX:
            row.warn("title", f"title is {len(title)} characters; cut to {TITLE_MAX}")
            title = _cut(title, TITLE_MAX)
        price = sale = None
        raw_price = _first(v["price"])
        if raw_price is None:
            row.error("price", "price is missing; write it like 89.90 EUR")
        else:
            try:
                price = parse_price(raw_price, "price", self.price_format)
            except BadValue as e:
                row.error("price", str(e))
        if row.errors or price is None or variant_id is None or title is None:
            return None
        currency = (price.currency or _first(v["currency"]) or self.currency).upper()
        if len(currency) != 3 or not currency.isalpha():
            row.error("currency", f"currency '{currency}' is not a code like EUR")
            return None
        raw_sale = _first(v["sale_price"])
        if raw_sale is not None:
            sale = row.read("sale_price", raw_sale, lambda s: parse_price(s, "sale_price", self.price_format))
            if sale is not None and (sale.currency or currency) != currency:
                row.warn("sale_price", f"sale_price '{raw_sale}' is in another currency than the price "
                                       f"({currency}); left empty")
                sale = None
            elif sale is not None and sale.amount >= price.amount:
                row.warn("sale_price", f"sale_price {sale.amount} is not below the price {price.amount}; "
                                       "left empty")
                sale = None
        description = _first(v["description"])
        if description:
            description = html_to_text(description) or None
        if description and len(description) > DESCRIPTION_MAX:
            row.warn("description", f"description is {len(description)} characters; cut to {DESCRIPTION_MAX}")
            description = _cut(description, DESCRIPTION_MAX)
        text = {name: self._text(row, name, _first(v[name])) for name in TEXT_FIELDS}
        quantity = row.read("quantity", _first(v["quantity"]), parse_count)
        if quantity is not None and quantity < 0:
            row.warn("quantity", f"quantity {quantity} is negative; left empty")
            quantity = None
        images = v["additional_image_link"] or []
        if isinstance(images, str):
            images = split_list(images)
        tags = v["tags"] or []
        if isinstance(tags, str):
            tags = split_list(tags)
        try:
            return FeedVariant(
                line=row.line, id=variant_id, item_group_id=group, title=title,
                description=description,
                link=row.read("link", self._text(row, "link", _first(v["link"])),
                              lambda s: parse_url(s, "link")),
                image_link=row.read("image_link", self._text(row, "image_link", _first(v["image_link"])),
                                    lambda s: parse_url(s, "image_link")),
                additional_image_links=[u for u in (row.read("additional_image_link", s, lambda s: parse_url(
                    s, "additional_image_link")) for s in images) if u][:10],
                availability=row.read("availability", _first(v["availability"]), parse_availability),
                price=price.amount, currency=currency, sale_price=sale.amount if sale else None,
                gtin=row.read("gtin", _first(v["gtin"]), parse_gtin),
                condition=row.read("condition", _first(v["condition"]),
                                   lambda s: parse_choice(s, "condition", CONDITIONS)),
                gender=row.read("gender", _first(v["gender"]), parse_gender),
                age_group=row.read("age_group", _first(v["age_group"]),
                                   lambda s: parse_choice(s, "age_group", AGE_GROUPS)),
                quantity=quantity, tags=tags, extra=extra, **text)
        except ValidationError as e:  # a guard: the readers above should have caught it
            first = e.errors()[0]
            row.error(".".join(str(p) for p in first["loc"]) or None, f"{first['msg']}")
            return None

    @staticmethod
    def _text(row: RowProblems, field: str, value: str | None) -> str | None:
        limit = LIMITS.get(field)
        if value is not None and limit is not None and len(value) > limit:
            row.warn(field, f"{field} is {len(value)} characters; at most {limit}, left empty")
            return None
        return value


def _first(raw: Raw) -> str | None:
    if isinstance(raw, list):
        return raw[0] if raw else None
    return raw
