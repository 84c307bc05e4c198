"""The shapes of what clients send, each a rule the OpenAPI description states and the server keeps:
ids, amounts, the places and sizes the shop knows. A request that satisfies them is accepted."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, StringConstraints, WithJsonSchema

from tools.geo import CITY_COORDS, city_key
from tools.shapes import Money

# Thread, run, chat and shopper ids: safe in a URL, in a log line and in every store.
ID_PATTERN = r"^[A-Za-z0-9_.:@-]+$"
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=ID_PATTERN)]
# A known shopper's id; "G-…" ids are the guests' (minted from a device id, never chosen).
KNOWN_SHOPPER_PATTERN = r"^(?:[A-FH-Za-z0-9_.:@-][A-Za-z0-9_.:@-]*|G(?:[A-Za-z0-9_.:@][A-Za-z0-9_.:@-]*)?)$"
KnownShopperId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=KNOWN_SHOPPER_PATTERN)]
# A product variant: the seed's `<sku>-<size>` (SRT-BLZ-000123-50) or a retailer feed's own id
# (Merchant allows 50 characters; the schema keeps 64): printable, no spaces.
VariantId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[!-~]+$")]
# A size label as the catalog writes it (the seed's runs, or a feed's own: "3XL", "W32/L34").
SizeLabel = Annotated[str, StringConstraints(min_length=1, max_length=24, pattern=r"^[^\x00-\x1f]+$")]
# A store code: the seed's MI01 or a retailer's own (Google Business Profile allows 64).
STORE_CODE_MAX = 32
Language = Literal["it", "en"]
Layout = Literal["image-grid", "spec-table", "carousel"]


def _whole(value: Any) -> Any:
    """A JSON integer (2.0 is one too, as JSON Schema says); never `true`, never text."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    return value


Whole = Annotated[int, BeforeValidator(_whole)]


def _a_json_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number (euros, at most two decimals)")
    return value


# Money (tools/shapes.py) as a client sends it in a body: a JSON number, 0-100,000, whole cents.
Price = Annotated[Money, BeforeValidator(_a_json_number), WithJsonSchema(
    {"type": "number", "minimum": 0, "maximum": 100_000, "multipleOf": 0.01, "examples": [120.5]})]


def known_cities(store_cities: list[str]) -> list[str]:
    """The places /v1/stores can start from: the cities Sarto knows (Italian and English names) and
    the cities of the shop's stores."""
    names = {name.title() for name in CITY_COORDS} | set(store_cities)
    return sorted(names)


def is_known_city(city: str, store_cities: list[str]) -> bool:
    key = city_key(city)
    return key in CITY_COORDS or key in {city_key(c) for c in store_cities}
