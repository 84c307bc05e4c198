"""Reading a retailer's feeds — Merchant product data (RSS/Atom XML and TSV), Shopify's product
export, any CSV/JSONL through a mapping file (`mapping.py` documents it), Google's local inventory
feed and the store directory — into typed rows (`rows.py`). Parsing only: no database. Each entry
point is a generator that streams the file with bounded memory and yields rows and per-row
FeedProblems; a file that cannot be used at all raises FeedError, possibly mid-iteration."""

from tools.catalog.feeds.inventory import read_stock
from tools.catalog.feeds.products import PRODUCT_FORMATS, read_products, sniff_format
from tools.catalog.feeds.rows import FeedError, FeedProblem, FeedStock, FeedStore, FeedVariant
from tools.catalog.feeds.stores import read_stores

__all__ = ["PRODUCT_FORMATS", "FeedError", "FeedProblem", "FeedStock", "FeedStore", "FeedVariant",
           "read_products", "read_stock", "read_stores", "sniff_format"]
