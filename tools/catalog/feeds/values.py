"""Reading one cell: prices in the ways retailers write them, Merchant's enumerations (with the
spellings Google itself accepts), whole numbers, coordinates and web addresses. Each reader returns
the value or raises BadValue with a reason a retailer can act on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

PriceFormat = Literal["auto", "point", "comma", "cents"]
PRICE_FORMATS: tuple[PriceFormat, ...] = ("auto", "point", "comma", "cents")
MAX_PRICE = Decimal("99999999.99")  # Numeric(10, 2)

AVAILABILITY = frozenset({"in_stock", "out_of_stock", "preorder", "backorder"})
AGE_GROUPS = frozenset({"newborn", "infant", "toddler", "kids", "adult"})
CONDITIONS = frozenset({"new", "refurbished", "used"})
GENDERS = {"male": "male", "man": "male", "men": "male", "mens": "male", "uomo": "male",
           "female": "female", "woman": "female", "women": "female", "womens": "female",
           "donna": "female", "unisex": "unisex"}
_SYMBOLS = {"€": "EUR", "£": "GBP"}
_AMOUNT = re.compile(r"^[+-]?[0-9][0-9.,' ]*$")


class BadValue(ValueError):
    """One cell that cannot be read; the message is the reason shown to the retailer."""


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str | None  # None when the cell named no currency


def clean(value: str | None) -> str | None:
    """The cell stripped, or None when empty; NUL bytes and lone surrogates are refused."""
    if value is None:
        return None
    if "\x00" in value:
        raise BadValue("contains a NUL byte")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:  # only a lone surrogate cannot be encoded
            code = ord(value[e.start])
            raise BadValue(f"contains an invalid character (lone surrogate U+{code:04X})") from None
    value = value.strip()
    return value or None


def _amount(text: str, price_format: PriceFormat) -> Decimal:
    text = text.replace(" ", "").replace("'", "").replace("\u00a0", "")
    if price_format == "cents":
        if not text.lstrip("+-").isdigit():
            raise InvalidOperation
        return Decimal(text) / 100
    if price_format == "point":
        text = text.replace(",", "")
    elif price_format == "comma":
        text = text.replace(".", "").replace(",", ".")
    elif "," in text and "." in text:  # the last separator is the decimal one: 1.234,56 / 1,234.56
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "").replace(",", ".")
    elif text.count(",") == 1:  # 89,90
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:  # 1,234,567 / 1.234.567
        text = text.replace(",", "").replace(".", "")
    return Decimal(text)


@lru_cache(maxsize=4096)  # feeds repeat the same few values on every row
def parse_price(raw: str, field: str = "price", price_format: PriceFormat = "auto") -> Money:
    """`89.90 EUR`, `EUR 89.90`, `89,90 EUR`, `€ 1.234,50`, `89.90` (no currency): a positive amount
    with at most two decimals."""
    text = raw.strip()
    currency = None
    for symbol, code in _SYMBOLS.items():
        if symbol in text:
            text, currency = text.replace(symbol, " "), code
    parts = text.split()
    codes = [p for p in parts if p.isalpha()]
    if len(codes) > 1 or (codes and currency):
        raise BadValue(f"{field} '{raw}' names more than one currency")
    if codes:
        code = codes[0]
        if len(code) != 3:
            raise BadValue(f"{field} '{raw}' has '{code}' where a currency like EUR belongs")
        currency = code.upper()
        parts.remove(code)
    number = "".join(parts)
    example = "8990 (cents)" if price_format == "cents" else "89.90 EUR"
    if not number or not _AMOUNT.match(number):
        raise BadValue(f"{field} '{raw}' is not a number like {example}")
    try:
        amount = _amount(number, price_format)
    except InvalidOperation:
        raise BadValue(f"{field} '{raw}' is not a number like {example}") from None
    if amount < 0:
        raise BadValue(f"{field} '{raw}' is negative")
    if amount == 0:
        raise BadValue(f"{field} '{raw}' is zero; a product on sale needs a price above 0")
    if amount != amount.quantize(Decimal("0.01")):
        raise BadValue(f"{field} '{raw}' has more than two decimals; write it like {example}")
    if amount > MAX_PRICE:
        raise BadValue(f"{field} '{raw}' is too large")
    return Money(amount.quantize(Decimal("0.01")), currency)


@lru_cache(maxsize=1024)
def _word(raw: str) -> str:
    return re.sub(r"[\s-]+", "_", raw.strip().lower())


@lru_cache(maxsize=1024)
def parse_availability(raw: str) -> str:
    value = _word(raw).replace("pre_order", "preorder").replace("back_order", "backorder")
    if value not in AVAILABILITY:
        raise BadValue(f"availability '{raw}' is not one of in_stock, out_of_stock, preorder, backorder")
    return value


@lru_cache(maxsize=1024)
def parse_gender(raw: str) -> str:
    value = GENDERS.get(_word(raw).rstrip("'s"))
    if value is None:
        raise BadValue(f"gender '{raw}' is not one of male, female, unisex")
    return value


@lru_cache(maxsize=1024)
def parse_choice(raw: str, field: str, allowed: frozenset[str]) -> str:
    value = _word(raw)
    if value not in allowed:
        raise BadValue(f"{field} '{raw}' is not one of {', '.join(sorted(allowed))}")
    return value


def parse_count(raw: str, field: str = "quantity") -> int:
    text = raw.strip()
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text) is None:
        raise BadValue(f"{field} '{raw}' is not a whole number")
    return int(Decimal(text))


def parse_coordinate(raw: str, field: str, limit: int) -> float:
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        raise BadValue(f"{field} '{raw}' is not a number like 45.4719") from None
    if not -limit <= value <= limit:
        raise BadValue(f"{field} {raw} is out of range (-{limit} to {limit})")
    return value


def parse_url(raw: str, field: str) -> str:
    if re.match(r"^https?://[^\s/]+\.[^\s]+$", raw) is None:
        raise BadValue(f"{field} '{raw[:80]}' is not a web address starting with http:// or https://")
    return raw


def parse_gtin(raw: str) -> str:
    digits = raw.replace(" ", "").replace("-", "")
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        raise BadValue(f"gtin '{raw}' is not 8, 12, 13 or 14 digits")
    return digits


def split_list(raw: str, separators: str = ",") -> list[str]:
    return [p.strip() for p in re.split(f"[{re.escape(separators)}]", raw) if p.strip()]
