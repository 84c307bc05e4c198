"""A card never fills in what the records do not say: a piece from a thin feed whose fabric or
formality is unknown is described as such, in the shopper's language."""

from __future__ import annotations

from decimal import Decimal

from tools.outfits.cards import why
from tools.outfits.harmony import Candidate
from tools.shapes import Price, ProductHit
from tools.taxonomy import GOALS


def _candidate(**unknown: object) -> Candidate:
    hit = ProductHit(sku="T-1", title_it="Giacca", title_en="Jacket", department="menswear",
                     category="blazer", subcategory=None, brand=None, price=Price(amount=Decimal("199.00")),
                     colours=["navy"], pattern=None,
                     fabric="100% wool", fit="slim", style=None, formality=4, occasions=["business"],
                     seasons=[], image="", url="", sizes=["50"], sizes_in_stock=["50"], score=1.0)
    return Candidate(slot="jacket", hit=hit.model_copy(update=unknown), size="50", variant_id="T-1-50",
                     compatible=frozenset(), unary=1.0)


def test_a_known_piece_is_described_by_its_records() -> None:
    text = why(_candidate(), GOALS["job_interview"], "en")
    assert "100% wool" in text and "slim fit" in text and "could not tell" not in text
    assert "formal" not in text


def test_an_unknown_fabric_or_formality_is_said_not_guessed() -> None:
    thin = _candidate(fabric="", formality=None)
    english = why(thin, GOALS["job_interview"], "en")
    assert "I could not tell the fabric" in english and "does not say how formal" in english
    italian = why(thin, GOALS["job_interview"], "it")
    assert "non ho potuto verificare il tessuto" in italian and "quanto sia formale" in italian
    assert "wool" not in english and "lana" not in italian
