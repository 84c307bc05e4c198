"""Catalog import: a retailer's own feeds (parsed by `tools/catalog/feeds/`) applied to the shop.

`drafts` turns variant rows into products with what the feed says (department, category, colour,
sizes, price) and unknown everywhere else; `apply` writes them in one transaction; `jobs` keeps
each import as a database row with its progress; `quality` reports what the feed lacks.
"""
