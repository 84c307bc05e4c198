"""Which product format a file is in, and the one entry point that reads any of them."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from tools.catalog.feeds.generic import read_generic
from tools.catalog.feeds.mapping import load_mapping
from tools.catalog.feeds.merchant import merchant_column, read_merchant_tsv
from tools.catalog.feeds.merchant_xml import read_merchant_xml
from tools.catalog.feeds.rows import FeedError, FeedProblem, FeedVariant
from tools.catalog.feeds.shopify import looks_like_shopify, read_shopify, shopify_column
from tools.catalog.feeds.source import open_feed
from tools.catalog.feeds.tables import sniff_delimiter
from tools.catalog.feeds.variants import VariantBuilder

PRODUCT_FORMATS = ("merchant-xml", "merchant-tsv", "shopify", "csv", "jsonl")
_SNIFF_BYTES = 64 * 1024


def sniff_format(path: Path, *, max_bytes: int, mapping: Path | None = None) -> str:
    """merchant-xml, merchant-tsv, shopify, csv or jsonl, from the name and the first bytes."""
    with open_feed(path, max_bytes) as handle:
        head = handle.read(_SNIFF_BYTES).removeprefix(b"\xef\xbb\xbf")
    start = head.lstrip()
    if path.suffix.lower() in (".xml", ".rss", ".atom") or start.startswith((b"<?xml", b"<rss", b"<feed")):
        return "merchant-xml"
    if mapping is not None:
        return "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv"
    if start.startswith(b"{") or path.suffix.lower() in (".jsonl", ".ndjson"):
        raise FeedError(f"{path.name} looks like JSON Lines: give a mapping file (--mapping) that says "
                        "which key is which Sarto field")
    first_line = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    delimiter = sniff_delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter), [])
    if looks_like_shopify({shopify_column(h) for h in header}):
        return "shopify"
    merchant = {merchant_column(h) for h in header}
    if delimiter == "\t" and "id" in merchant:
        return "merchant-tsv"
    if {"id", "title", "price"} <= merchant:
        raise FeedError(f"{path.name} looks like a Merchant product feed but is not tab-separated: save it "
                        "as tab-separated text (TSV), or give a mapping file for a CSV")
    raise FeedError(f"cannot tell the format of {path.name}: it is not Merchant XML or TSV (a header with "
                    "id, title, price) nor a Shopify export (Handle, Variant SKU); give a mapping file "
                    "(--mapping) for any other CSV or JSON Lines")


def read_products(path: Path, *, format: str | None = None, mapping: Path | None = None,
                  max_bytes: int, currency: str = "EUR") -> Iterator[FeedVariant | FeedProblem]:
    """Every variant of a product feed, and a FeedProblem for each row (or field) that cannot be
    used. Raises FeedError — before the first row or at any point while iterating — when the file
    as a whole cannot be used. `currency` is for prices that name none (Shopify's never do)."""
    path = Path(path)
    fmt = format or sniff_format(path, max_bytes=max_bytes, mapping=mapping)
    if fmt == "generic":
        fmt = "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv"
    if fmt not in PRODUCT_FORMATS:
        raise FeedError(f"unknown product format '{fmt}'; use one of {', '.join(PRODUCT_FORMATS)}")
    if fmt in ("csv", "jsonl"):
        if mapping is None:
            raise FeedError(f"{path.name}: a {fmt.upper()} catalog needs a mapping file (--mapping) that "
                            "says which column is which Sarto field")
        rules = load_mapping(Path(mapping))
        # An explicit format wins over the mapping's, which wins over the file's suffix.
        rules = replace(rules, format=fmt if format in ("csv", "jsonl") else rules.format or fmt)
        builder = VariantBuilder(currency=rules.defaults.get("currency", currency),
                                 price_format=rules.price_format, defaults=rules.defaults)
        yield from read_generic(path, max_bytes=max_bytes, mapping=rules, builder=builder)
        return
    builder = VariantBuilder(currency=currency)
    reader = {"merchant-xml": read_merchant_xml, "merchant-tsv": read_merchant_tsv,
              "shopify": read_shopify}[fmt]
    yield from reader(path, max_bytes=max_bytes, builder=builder)
