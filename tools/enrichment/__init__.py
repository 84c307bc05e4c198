"""Enrichment: the attributes the stylist reasons with, derived from a retailer's thin feed rows.

Each value records its source (`feed` the retailer said it; `rules` read from the feed's words by the
lexicons here; `model` the MiniLM prototypes chose it; `llm` a configured model chose it) and a
confidence in 0..1. What nothing says stays unknown: a guess would pass a hard filter it should not.
"""
