"""The shapes of what clients send, each a rule the OpenAPI description states and the server keeps:
ids, amounts, the places and sizes the shop knows. A request that satisfies them is accepted."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, StringConstraints, WithJsonSchema

from tools.catalog.arrays import ALL_SIZES
from tools.geo import CITY_COORDS, city_key
from tools.shapes import Money

# Thread, run, chat and shopper ids: safe in a URL, in a log line and in every store.
ID_PATTERN = r"^[A-Za-z0-9_.:@-]+$"
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=ID_PATTERN)]
# A known shopper's id; "G-…" ids are the guests' (minted from a device id, never chosen).
KNOWN_SHOPPER_PATTERN = r"^(?:[A-FH-Za-z0-9_.:@-][A-Za-z0-9_.:@-]*|G(?:[A-Za-z0-9_.:@][A-Za-z0-9_.:@-]*)?)$"
KnownShopperId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=KNOWN_SHOPPER_PATTERN)]
# A product variant: `<sku>-<size>`, e.g. SRT-BLZ-000123-50.
VariantId = Annotated[str, StringConstraints(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9_.-]+$")]
Language = Literal["it", "en"]
Layout = Literal["image-grid", "spec-table", "carousel"]
Size = Literal[ALL_SIZES]  # type: ignore[valid-type]


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
