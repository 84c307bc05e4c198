"""Budgets in shopper messages: "sotto i 200 euro", "between 50 and 80", "max 80 a pezzo".

A number is a budget only when a budget word or a currency sits next to it, so sizes ("taglia 52"),
quantities ("2 camicie"), times ("alle 18") and years ("nel 2024") never become one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from tools.lexicon import strip_accents

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
# A ceiling said after the amount: "120 all in", "180 tops", "2000 max", "60 each" (scope read apart).
_MAX_AFTER = re.compile(
    rf"(?<![\w.,]){_NUM}\s*(?:{_CUR}\s*)?(?=(?:max|maximum|massimo|al massimo|tops|top|at most|at the most|"
    r"all in|all included|all inclusive|or less|or under|o meno|non di piu|tutto compreso|tutto incluso|"
    r"in tutto|in total|in totale|total|totali|complessivi)\b)")
# An amount given as a rough figure ("sui 600", "around 300", "600 or so"): treated as the maximum.
_ABOUT = re.compile(
    rf"(?<![\w])(?:about|around|roughly|approximately|approx|circa|sui|sugli|intorno a(?:i|gli|lle|l)?|"
    rf"attorno a(?:i|gli|l)?|piu o meno|more or less|something like|qualcosa come)\s+{_AMOUNT}"
    rf"|(?<![\w.,]){_NUM}\s*(?:{_CUR}\s*)?(?=(?:or so|ish|circa|o giu di li)\b)")
# A new figure in a follow-up: "let's say 220", "make it 350", "diciamo 300", "facciamo 400".
_SAY = re.compile(
    rf"(?<![\w])(?:say|make it|make that|let s make it|diciamo|facciamo|mettiamo|mettiamo pure|"
    rf"rather|instead|piuttosto|more like)\s+(?:(?:about|around|circa|sui|like)\s+)?{_AMOUNT}")
# A floor word under a negation is a ceiling: "nothing over 60", "nessun capo sopra i 150",
# "non voglio spendere più di 20".
_NEGATED_FLOOR = re.compile(
    r"(?:\b(?:no|not|non|nothing|none|never|mai|niente|nulla|nessun\w*|dont|don t|won t|wont)\b)"
    r"(?:\s+[a-z]+){0,3}\s*$")
# ... and when what is negated is a piece ("nothing over 60", "nessun capo sopra i 150"), it caps each one.
_NO_PIECE = re.compile(r"\b(?:nothing|none|niente|nulla|nessun\w*|no (?:item|piece|single)\w*)\b")
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
_SIZE_BEFORE = re.compile(
    r"\b(?:taglia|size|numero|misura|eu|(?<!make )(?<!made )it|porto|calzo|ho la|ho il|i m an?|im an?|"
    r"i am an?|wear|wear an?)\s*"
    r"(?:(?:la|il|a|an|un|una|sui|sugli|circa|about|around|roughly)\s+)?$")
_CLOCK_BEFORE = re.compile(r"\b(?:alle|ore|at|by|dopo le|after)\s*$")
_TIME_BEFORE = re.compile(r"(?:entro|fino|sotto|by|until|before|prima)\s+(?:le|l|alle|the)\s*$")
_PER_ITEM_WORDS = (
    r"(?:a pezzo|al pezzo|per pezzo|ogni pezzo|each|per item|per piece|a piece|apiece|a capo|al capo|"
    r"per capo|ogni capo|ciascuno|ciascuna|cadauno|cadauna|l uno|l una|luno|per article|every item|"
    r"each item|singolo capo|per articolo|ad articolo)\b")
_PER_ITEM = re.compile(rf"\b{_PER_ITEM_WORDS}")
_NUMBER_PER_ITEM = re.compile(rf"(?<![\w.,]){_NUM}\s*(?:euro\s+)?(?={_PER_ITEM_WORDS})")
_TOTAL = re.compile(r"\b(?:tutto compreso|tutto incluso|in totale|totale|total|in all|overall|complessiv\w*|"
                    r"per tutto|all in|all included|all inclusive|in tutto|for everything)\b")
# "600 per item, not total": the scope the shopper turns down does not count.
_NOT_SCOPE = re.compile(
    r"\b(?:not|non|rather than|instead of|invece che|anziche|no)\s+(?:in\s+|per\s+|the\s+|il\s+)?"
    rf"(?:total|totale|overall|in all|complessiv\w*|{_PER_ITEM_WORDS})\b")
# Scope alone, without a new figure ("make that per item, not total"): only these clear phrases.
_SCOPE_PER_ITEM = re.compile(r"\b(?:per item|per piece|a capo|al capo|per capo|a pezzo|al pezzo|per pezzo|"
                             r"each item|every item|ogni capo|ogni pezzo|per articolo)\b")
_SCOPE_TOTAL = re.compile(r"\b(?:in total|in totale|for the whole (?:outfit|look)|per tutto l outfit|"
                          r"per tutto il look|overall|total budget|budget totale|all in)\b")


@dataclass(frozen=True)
class BudgetReading:
    max: Decimal | None
    min: Decimal | None
    scope: Literal["total", "per_item"]


def fold(text: str) -> str:
    """Lower case without accents; keeps digits, separators and € for amounts."""
    folded = re.sub(r"[’'`]", " ", strip_accents(text.lower()))
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


def _soft_is_money(text: str, m: re.Match[str], number_group: int, currency: bool) -> bool:
    """A figure read from a softer cue ("say 220", "sui 600", "120 all in") is money unless it is a
    size, a time, a quantity or a tiny number with no currency ("make it 2")."""
    value = parse_amount(m.group(number_group))
    if value is None:
        return False
    if currency:
        return True
    if value < 10 or _CLOCK_BEFORE.search(text[:m.start()]):
        return False
    return _is_money(text, m.start(number_group), m.end(number_group), False) and \
        not _SIZE_BEFORE.search(text[:m.start()])


def read_budget(message: str) -> BudgetReading | None:
    """The budget a message states, or None. The last stated maximum wins."""
    text = fold(message)
    claimed: list[tuple[int, int]] = []
    found_max: tuple[int, Decimal] | None = None
    found_min: tuple[int, Decimal] | None = None
    each_piece = False

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in claimed)

    def take_max(at: int, value: Decimal) -> None:
        nonlocal found_max
        if found_max is None or at >= found_max[0]:
            found_max = (at, value)

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
            clause = re.split(r"[,.;:!?()]", text[:m.start()])[-1]
            negated = _NEGATED_FLOOR.search(clause)
            if is_max or negated:  # "nothing over 60" caps, "over 60" floors
                take_max(m.start(), value)
                each_piece = each_piece or bool(negated and not is_max and _NO_PIECE.search(negated.group(0)))
            elif found_min is None:
                found_min = (m.start(), value)
            claimed.append(m.span())
    for pattern in (_SAY, _ABOUT, _MAX_AFTER):
        for m in pattern.finditer(text):
            group = next(g for g in range(1, (m.lastindex or 0) + 1) if m.group(g) and
                         re.fullmatch(_NUM, m.group(g)))
            if not free(m.start(group), m.end(group)):
                continue
            currency = bool(re.search(_CUR, m.group(0))) or bool(re.match(rf"\s*{_CUR}", text[m.end():]))
            if _soft_is_money(text, m, group, currency):
                value = parse_amount(m.group(group))
                assert value is not None
                take_max(m.start(), value)
                claimed.append((m.start(group), m.end(group)))
    for m in _BARE.finditer(text):
        if not free(*m.span()) or _PRICE_BEFORE.search(text[:m.start()]):
            continue
        value = parse_amount(m.group(1) or m.group(2))
        if value is not None:
            take_max(m.start(), value)
    if found_max is None and found_min is None:
        # "100 each": a number with a per-item word is a price cap even without a currency.
        each = _NUMBER_PER_ITEM.search(text)
        value = parse_amount(each.group(1)) if each else None
        if each and value is not None and not _SIZE_BEFORE.search(text[:each.start()]):
            found_max = (each.start(), value)
    if found_max is None and found_min is None:
        return None
    return BudgetReading(max=found_max[1] if found_max else None,
                         min=found_min[1] if found_min else None,
                         scope=_scope(text) or ("per_item" if each_piece else "total"))


def _scope(text: str) -> Literal["total", "per_item"] | None:
    """Per item or total when the message says so; a scope it turns down ("not total") does not count."""
    said = _NOT_SCOPE.sub(" ", text)
    if _PER_ITEM.search(said):
        if _TOTAL.search(said) and not re.search(r"\b(?:each|ciascun\w*)\b", said):
            return "total"
        return "per_item"
    if _TOTAL.search(said) or (_NOT_SCOPE.search(text) and _PER_ITEM.search(text)):
        return "total"
    return None


def read_budget_scope(message: str) -> Literal["total", "per_item"] | None:
    """A scope change with no figure ("make that per item, not total"), from clear phrases only."""
    text = fold(message)
    said = _NOT_SCOPE.sub(" ", text)
    if _SCOPE_PER_ITEM.search(said):
        return "per_item"
    if _SCOPE_TOTAL.search(said) or (_NOT_SCOPE.search(text) and _SCOPE_PER_ITEM.search(text)):
        return "total"
    return None
