"""Google Merchant Center product data as tab-separated text: one row per variant, columns named
as Google publishes them (`image_link`), with or without `g:`, or in Google's human spelling
(`image link`, `Item group ID`). Columns Sarto does not know are kept in `extra`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from tools.catalog.feeds.rows import FeedProblem, FeedVariant
from tools.catalog.feeds.tables import read_table
from tools.catalog.feeds.variants import FIELDS, VariantBuilder

MERCHANT_FIELDS = frozenset(FIELDS) - {"tags", "currency"}
REQUIRED = ("id", "title", "price")
_ALIASES = {"colour": "color", "additional_image_links": "additional_image_link",
            "image_url": "image_link", "item_id": "id", "sale_price_amount": "sale_price"}


@lru_cache(maxsize=512)
def merchant_column(header: str) -> str:
    """`g:image_link`, `Image link`, `image-link` → `image_link`."""
    name = re.sub(r"[\s\-]+", "_", header.strip().lower().removeprefix("g:")).strip("_")
    return _ALIASES.get(name, name)


def read_merchant_tsv(path: Path, *, max_bytes: int, builder: VariantBuilder
                      ) -> Iterator[FeedVariant | FeedProblem]:
    for row in read_table(path, max_bytes=max_bytes, delimiters="\t", what="a Merchant product feed",
                          canonical=merchant_column, required=REQUIRED):
        if row.overflow:
            yield FeedProblem(line=row.line, id=row.cells.get("id", "").strip() or None, field=None,
                              reason=f"the row has {row.overflow} more cell(s) than the header: "
                                     "is there a tab inside a value?")
            continue
        fields = {k: v for k, v in row.cells.items() if k in MERCHANT_FIELDS}
        extra = {k: v for k, v in row.cells.items() if k not in MERCHANT_FIELDS}
        yield from builder.build(row.line, fields, extra)
