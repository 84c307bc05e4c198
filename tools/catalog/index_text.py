"""What the vector index reads of a product: a short bilingual text, and its content hash.

Short on purpose: encoding time grows with tokens, and the words that matter to a shopper's query
(the titles, what kind of garment, colour, fabric, occasion) fit in ~40 tokens.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from tools.taxonomy import CATEGORIES, COLOURS, OCCASIONS


def fabric_label(fabric: Iterable[Mapping[str, Any]] | None) -> str:
    """[{"fibre": "wool", "pct": 70}, ...] -> "70% wool, 30% cashmere"."""
    parts = []
    for part in fabric or ():
        fibre = str(part.get("fibre", "")).replace("_", " ")
        pct = part.get("pct")
        parts.append(f"{pct}% {fibre}" if pct is not None else fibre)
    return ", ".join(parts)


def index_text(product: Mapping[str, Any]) -> str:
    """The text embedded for one product row (a mapping with the Product column names).

    Category words, colours and fabric are added only when the titles do not already say them (a well-written
    seed title does; a thin supplier feed may not): every token costs encoding time.
    """
    title_it, title_en = str(product["title_it"]), str(product["title_en"])
    titles = f"{title_it} {title_en}".lower()
    category = CATEGORIES.get(product["category"])
    # a feed has one title for both languages: encoding it twice would double the cost
    pieces = [title_it, title_en] if title_en != title_it else [title_it]
    if category is None:  # a category the taxonomy does not know says itself; an unknown one nothing
        pieces.append(str(product["category"] or ""))
    else:  # like colours: only the words the titles do not already say (7% fewer tokens at 100k)
        pieces.append(" / ".join(dict.fromkeys(w for w in (category.it, category.en)
                                               if w.lower() not in titles)))
    colours = [COLOURS[c] for c in product.get("colours") or () if c in COLOURS]
    missing = [f"{it} {en}" if it != en else it for it, en, _ in colours
               if it not in titles and en not in titles]
    pieces.append(", ".join(missing))
    fabric = fabric_label(product.get("fabric"))
    fibres = [str(p.get("fibre", "")).replace("_", " ") for p in product.get("fabric") or ()]
    if fibres and fibres[0] not in titles:
        pieces.append(fabric)
    # occasions the retailer or the seed stated say something new; derived ones only restate the
    # kind and the formality the text already carries, and would pull the vector off the garment
    if (product.get("attribute_sources") or {}).get("occasions") in (None, "seed", "feed"):
        pieces.append(", ".join(OCCASIONS[o][1] for o in product.get("occasions") or () if o in OCCASIONS))
    return ". ".join(p for p in pieces if p)


def content_hash(text: str, space: str) -> str:
    """Changes when the text or the embedding space changes: either means re-embed."""
    return hashlib.sha256(f"{space}\n{text}".encode()).hexdigest()[:32]
