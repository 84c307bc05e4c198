"""The stylist's craft: a complete look for a goal in the shopper's sizes, at one place, inside the
budget (assemble.py), from candidates per slot (candidates.py, slot_search.py), colour harmony
(harmony.py), a beam-search solver (solver.py), the card (cards.py) and cheaper alternatives."""
