"""The answer the shopper reads: which lines (lines.py), how they are written from tool records in
Italian or English (render.py), and the grounding check that refuses any product or figure a
model wrote without a record behind it (grounding.py)."""
