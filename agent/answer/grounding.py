"""Grounding check: every price, SKU, stock quantity and distance a model writes must be in the records.

A model's wording is only shown when each figure in it can be found in this turn's tool results
(or in the template lines built from them); otherwise the templated text is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

_CENT = Decimal("0.01")
_NUMBER = r"\d[\d.,]*\d|\d"
# €1.234,50 · € 129 · 1.234,50 € · 129 euro · 129 EUR · EUR 129
_MONEY = re.compile(
    rf"(?:€|\bEUR\b|\beuro\b)\s?(?P<pre>{_NUMBER})|(?P<post>{_NUMBER})\s?(?:€|\beuros?\b|\bEUR\b)",
    re.IGNORECASE)
_SKU = re.compile(r"\bSRT-[A-Z]{3}-\d{6}(?:-[A-Za-z0-9/]+)?\b")
_QUANTITY = re.compile(
    r"(?:\b(?:only|just|solo|ancora|soltanto)\s+(?P<only>\d+)\b)"
    r"|(?:\b(?P<n>\d+)\s*(?:pcs\b|pieces?\b|pezz[io]\b|pz\b|units?\b|unità|left\b|rimast[ieoa]\b"
    r"|disponibil[ei]\b|in stock\b|in magazzino\b|available\b|capi\b))",
    re.IGNORECASE)
_DISTANCE = re.compile(r"(?P<km>\d+(?:[.,]\d+)?)\s?km\b", re.IGNORECASE)
_QUANTITY_KEYS = {"quantity", "qty", "count", "available", "stock", "on_hand", "in_stock"}
_AMOUNT_TEXT = re.compile(r"^\d+\.\d{2}$")
_DISTANCE_TOLERANCE = 0.6  # templates round distances to whole kilometres


def amount_readings(number: str) -> set[Decimal]:
    """Every value a written amount can mean: '1.234' is 1234 in Italian and 1.234 in English."""
    readings: set[Decimal] = set()
    candidates: list[str] = []
    if "," in number and "." in number:
        decimal_sep = "," if number.rfind(",") > number.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        candidates.append(number.replace(thousands, "").replace(decimal_sep, "."))
    elif "," in number or "." in number:
        sep = "," if "," in number else "."
        candidates.append(number.replace(sep, ""))  # thousands separator
        if number.count(sep) == 1:
            candidates.append(number.replace(sep, "."))  # decimal separator
    else:
        candidates.append(number)
    for text in candidates:
        try:
            readings.add(Decimal(text).quantize(_CENT))
        except InvalidOperation:
            continue
    return readings


def prices_in(text: str) -> list[tuple[str, set[Decimal]]]:
    """Each price written in `text`, as written and with every value it can mean."""
    return [(m.group(0).strip(), amount_readings(m.group("pre") or m.group("post")))
            for m in _MONEY.finditer(text)]


@dataclass
class Facts:
    """The figures this turn's records back."""

    amounts: set[Decimal] = field(default_factory=set)
    skus: set[str] = field(default_factory=set)
    quantities: set[int] = field(default_factory=set)
    distances: list[float] = field(default_factory=list)

    def add_text(self, text: str) -> None:
        """Figures in already-grounded text (template lines, the shopper's own words)."""
        for _, readings in prices_in(text):
            self.amounts |= readings
        self.skus |= {m.group(0) for m in _SKU.finditer(text)}
        for match in _QUANTITY.finditer(text):
            self.quantities.add(int(match.group("only") or match.group("n")))
        for match in _DISTANCE.finditer(text):
            self.distances.append(float(match.group("km").replace(",", ".")))


def collect_facts(results: Any, also: Iterable[str] = ()) -> Facts:
    facts = Facts()
    _walk(results, None, facts)
    for text in also:
        facts.add_text(text)
    return facts


def _walk(value: Any, key: str | None, facts: Facts) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _walk(v, str(k), facts)
        return
    if isinstance(value, list | tuple):
        if key == "items":
            facts.quantities.add(len(value))  # "a look in 4 pieces"
        for v in value:
            _walk(v, key, facts)
        return
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        facts.amounts.add(number.quantize(_CENT))
        if key in _QUANTITY_KEYS and number == number.to_integral_value():
            facts.quantities.add(int(number))
        if key and "distance" in key:
            facts.distances.append(float(number))
        return
    if isinstance(value, str):
        facts.skus |= {m.group(0) for m in _SKU.finditer(value)}
        if _AMOUNT_TEXT.match(value):  # an amount serialised as a string ("189.00"), not a size ("50")
            facts.amounts.add(Decimal(value).quantize(_CENT))


def check_grounding(text: str, results: dict[str, Any], also: Iterable[str] = ()) -> list[str]:
    """The claims in `text` that this turn's tool `results` do not back (empty: all grounded).

    `also`: grounded text whose figures count as backed too — the template lines (which hold a few
    sums computed from records) and the shopper's own message (their budget).
    """
    facts = collect_facts(results, also)
    problems: list[str] = []
    for written, readings in prices_in(text):
        if not readings & facts.amounts:
            problems.append(f"price not in the records: {written}")
    for match in _SKU.finditer(text):
        sku = match.group(0)
        if sku not in facts.skus and not any(known.startswith(sku + "-") for known in facts.skus):
            problems.append(f"SKU not in the records: {sku}")
    for match in _QUANTITY.finditer(text):
        if int(match.group("only") or match.group("n")) not in facts.quantities:
            problems.append(f"quantity not in the records: {match.group(0).strip()}")
    for match in _DISTANCE.finditer(text):
        km = float(match.group("km").replace(",", "."))
        if not any(abs(km - d) <= _DISTANCE_TOLERANCE for d in facts.distances):
            problems.append(f"distance not in the records: {match.group(0).strip()}")
    return problems
