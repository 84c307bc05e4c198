"""Budgets in shopper messages: "sotto i 200 euro", "between 50 and 80", "max 80 a pezzo".

A number is a budget only when a budget word or a currency sits next to it, so sizes ("taglia 52"),
quantities ("2 camicie"), times ("alle 18") and years ("nel 2024") never become one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

_NUM = r"(\d{1,3}(?:[.,]\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
_CUR = r"(?:€|euros?\b|euri\b|eur\b)"
_AMOUNT = rf"(?:{_CUR}\s*)?{_NUM}(\s*{_CUR})?"
_FILLER = r"(?:(?:i|ai|a|al|il|le|gli|di|the|of|about|around|circa|sui|intorno ai|roughly|is|e|da)\s+)*"
_MAX_WORDS = (
    r"under|below|less than|lower than|up to|upto|at most|maximum|max|no more than|not more than|"
    r"not over|not above|within|budget(?: is| of| di| massimo| max| e)?|my budget|il mio budget|"
    r"sotto|meno di|fino a|fino al|fino ai|massimo|al massimo|non piu di|non oltre|non sopra|"
    r"entro|tetto(?: di)?|spendere(?: al massimo| massimo| fino a)?|spendo|spend(?: up to| at most)?|"
    r"posso spendere|can spend|cap(?: of| at)?|no more"
)
_MIN_WORDS = (r"non meno di|not less than|no less than|non sotto|not under|over|above|more than|"
              r"at least|almeno|sopra|oltre|piu di|from|a partire da|minimo|min")
_RANGE = re.compile(rf"\b(?:between|tra|fra|from|da)\s+{_FILLER}{_AMOUNT}\s*(?:and|e|to|a|-)\s+{_FILLER}"
                    rf"{_AMOUNT}|{_AMOUNT}\s*-\s*{_AMOUNT}")
# "non meno di 100" is a floor, not a ceiling.
_MAX = re.compile(rf"(?<![\w])(?<!non )(?<!not )(?<!no )(?:{_MAX_WORDS})\s*{_FILLER}{_AMOUNT}")
_MIN = re.compile(rf"(?<![\w])(?:{_MIN_WORDS})\s+{_FILLER}{_AMOUNT}")
_BARE = re.compile(rf"(?<![\w.,]){_CUR}\s*{_NUM}|(?<![\w.,]){_NUM}\s*{_CUR}")
# What may follow a number that is not money ("sotto i 40 anni", "max 2 camicie", "entro le 18:00").
_NOT_MONEY_AFTER = re.compile(
    r"\s*(?::\d|%|x\b|anni\b|anno\b|years?\b|yrs?\b|mesi\b|months?\b|giorni\b|days?\b|settiman\w*|"
    r"weeks?\b|ore\b|hours?\b|h\b|pm\b|am\b|minut\w*|km\b|cm\b|kg\b|m\b|pezzi\b|pieces\b|capi\b|"
    r"items\b|articoli\b|persone\b|people\b|di sconto|off\b|gennaio|febbraio|marzo|aprile|maggio|"
    r"giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|january|february|march|april|june|"
    r"july|august|september|october|november|december|camici\w*|giacc\w*|pantalon\w*|scarp\w*|"
    r"shirts?\b|jackets?\b|shoes?\b|abiti\b|vestiti\b|suits?\b|dresses\b|outfits?\b|looks?\b)"
)
# "costa 120€?": the price of something, not what the shopper can spend.
_PRICE_BEFORE = re.compile(
    r"(?:\bcost[ai]\w*|\bcosts?|\bpriced(?: at)?|\bprezzo(?: di)?|\bprice(?: of)?)\s*$")
_SIZE_BEFORE = re.compile(r"(?:taglia|size|numero|misura|eu|it|porto la|porto il|calzo)\s*$")
_TIME_BEFORE = re.compile(r"(?:entro|fino|sotto|by|until|before|prima)\s+(?:le|l|alle|the)\s*$")
_PER_ITEM_WORDS = (
    r"(?:a pezzo|al pezzo|per pezzo|ogni pezzo|each|per item|per piece|a piece|apiece|a capo|al capo|"
    r"per capo|ogni capo|ciascuno|ciascuna|cadauno|cadauna|l uno|l una|luno|per article|every item|"
    r"each item|singolo capo|per articolo|ad articolo)\b")
_PER_ITEM = re.compile(rf"\b{_PER_ITEM_WORDS}")
_NUMBER_PER_ITEM = re.compile(rf"(?<![\w.,]){_NUM}\s*(?:euro\s+)?(?={_PER_ITEM_WORDS})")
_TOTAL = re.compile(r"\b(?:tutto compreso|in totale|totale|total|in all|overall|complessiv\w*|per tutto)\b")


@dataclass(frozen=True)
class BudgetReading:
    max: Decimal | None
    min: Decimal | None
    scope: Literal["total", "per_item"]


def fold(text: str) -> str:
    """Lower case without accents; keeps digits, separators and € for amounts."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = re.sub(r"[’'`]", " ", folded)
    return re.sub(r"\s+", " ", folded)


def parse_amount(raw: str) -> Decimal | None:
    """'1.200' and '1,200' -> 1200; '49,90' and '49.90' -> 49.90."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+(?:,\d{1,2})?", raw):
        whole, _, cents = raw.partition(",") if raw.count(",") == 1 and "." in raw else (raw, "", "")
        digits = re.sub(r"[.,]", "", whole)
        raw = f"{digits}.{cents}" if cents else digits
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:
        return None


def _is_money(text: str, start: int, end: int, has_currency: bool) -> bool:
    if has_currency:
        return True
    if _NOT_MONEY_AFTER.match(text, end):
        return False
    before = text[:start]
    return not (_SIZE_BEFORE.search(before) or _TIME_BEFORE.search(before))


def read_budget(message: str) -> BudgetReading | None:
    """The budget a message states, or None. The last stated maximum wins."""
    text = fold(message)
    claimed: list[tuple[int, int]] = []
    found_max: tuple[int, Decimal] | None = None
    found_min: tuple[int, Decimal] | None = None

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in claimed)

    for m in _RANGE.finditer(text):
        if m.group(1) is not None:
            low_raw, low_cur, high_raw, high_cur = m.group(1), m.group(2), m.group(3), m.group(4)
        else:
            low_raw, low_cur, high_raw, high_cur = m.group(5), m.group(6), m.group(7), m.group(8)
        high_end = m.end()
        currency = bool(low_cur or high_cur or re.search(_CUR, m.group(0)) or
                        re.match(rf"\s*{_CUR}", text[high_end:]))
        low, high = parse_amount(low_raw), parse_amount(high_raw)
        if low is None or high is None or not _is_money(text, m.start(), high_end, currency):
            continue
        if m.group(1) is None and not currency:  # "50-80" alone could be sizes or a score
            continue
        if low > high:
            low, high = high, low
        found_min, found_max = (m.start(), low), (m.start(), high)
        claimed.append(m.span())
    for pattern, is_max in ((_MAX, True), (_MIN, False)):
        for m in pattern.finditer(text):
            if not free(*m.span()):
                continue
            number_start = m.start(1)
            currency = bool(m.group(2)) or bool(re.search(_CUR, m.group(0)))
            value = parse_amount(m.group(1))
            if value is None or not _is_money(text, number_start, m.end(1), currency):
                continue
            if is_max and (found_max is None or m.start() >= found_max[0]):
                found_max = (m.start(), value)
            elif not is_max and found_min is None:
                found_min = (m.start(), value)
            claimed.append(m.span())
    for m in _BARE.finditer(text):
        if not free(*m.span()) or _PRICE_BEFORE.search(text[:m.start()]):
            continue
        value = parse_amount(m.group(1) or m.group(2))
        if value is not None and (found_max is None or m.start() >= found_max[0]):
            found_max = (m.start(), value)
    if found_max is None and found_min is None:
        # "100 each": a number with a per-item word is a price cap even without a currency.
        each = _NUMBER_PER_ITEM.search(text)
        value = parse_amount(each.group(1)) if each else None
        if each and value is not None and not _SIZE_BEFORE.search(text[:each.start()]):
            found_max = (each.start(), value)
    if found_max is None and found_min is None:
        return None
    scope: Literal["total", "per_item"] = "per_item" if _PER_ITEM.search(text) else "total"
    if _TOTAL.search(text) and scope == "per_item" and not re.search(r"\b(?:each|ciascun\w*)\b", text):
        scope = "total"
    return BudgetReading(max=found_max[1] if found_max else None,
                         min=found_min[1] if found_min else None, scope=scope)
