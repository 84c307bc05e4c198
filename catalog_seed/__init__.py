"""A deterministic, realistic Italian fashion retailer: catalog, stores, stock and shoppers."""

from pathlib import Path


def examples_dir() -> Path:
    """Small example feeds in every format `sarto import` reads (Merchant XML and TSV, local
    inventory, stores, Shopify CSV, JSONL with a mapping)."""
    return Path(__file__).resolve().parent / "examples"
