"""The typed records every surface shares (DESIGN.md §5): the tools return them, the graph
streams them, `sarto ask --json`, the widget and the evals read them.

Amounts are `Decimal` from the records and serialise to JSON numbers with two decimals' worth of
precision (a float round-trips every cent value exactly).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, is_dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
    field_validator,
)

from tools.clock import EARLIEST, LATEST, as_utc

Amount = Annotated[Decimal, PlainSerializer(lambda d: float(d), return_type=float, when_used="json")]
# A price or amount a client sends: two decimals, never negative, never absurd (1e400 is not a price).
Money = Annotated[Decimal, Field(ge=0, le=100_000, decimal_places=2)]
Layout = Literal["image-grid", "spec-table", "carousel"]

# A moment a client sends: RFC 3339 with its offset ("Z" or ±hh:mm), on a real calendar day of
# 2000-2099 as written (tools.clock.EARLIEST/LATEST). The pattern is the whole rule, so the OpenAPI
# description and the server accept exactly the same strings.
_DAY = (r"(?:20[0-9]{2}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
        r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
        r"|20(?:[02468][048]|[13579][26])-02-29)")
MOMENT_PATTERN = (rf"^{_DAY}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{{1,6}})?"
                  r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$")
_MOMENT = re.compile(MOMENT_PATTERN)


def _rfc3339(value: Any) -> Any:
    if isinstance(value, datetime):  # from Python callers; clients send text
        return value
    if not isinstance(value, str) or not _MOMENT.fullmatch(value):
        raise ValueError("must be an RFC 3339 date-time with its offset (e.g. 2026-11-01T10:00:00Z), "
                         "between 2000 and 2100")
    return as_utc(datetime.fromisoformat(value))


MOMENT_JSON_SCHEMA: dict[str, Any] = {
    "type": "string", "format": "date-time", "pattern": MOMENT_PATTERN,
    "description": "RFC 3339 with its offset, 2000-2099", "examples": ["2026-11-01T10:00:00Z"]}
Moment = Annotated[datetime, BeforeValidator(_rfc3339), WithJsonSchema(MOMENT_JSON_SCHEMA)]
Source = Literal["message", "profile", "conversation", "events", "default"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


def first_error(exc: ValidationError, with_location: bool = True) -> str:
    """The first validation error as one line people can act on: "events.0.type: Input should be ..."."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}: {err['msg']}" if with_location and where else str(err["msg"])


def jsonable(value: Any) -> Any:
    """Records, dataclasses, decimals and dates as plain JSON values (amounts as numbers)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):  # datetimes, dates, times
        return value.isoformat()
    return value


class Price(Record):
    amount: Amount
    currency: str = "EUR"


@dataclass(frozen=True)
class ProductFacts:
    """What goal inference weighs of a product a shopper looked at (a plain value: thousands are
    compared per turn)."""

    sku: str
    department: str | None  # None: unknown
    category: str | None
    occasions: tuple[str, ...]
    formality: int | None
    seasons: tuple[str, ...]


# --- catalog search -------------------------------------------------------------------------

class SearchFilters(Record):
    """Hard filters: a result that breaks one is a bug. Values are taxonomy keys."""

    department: str | None = None
    categories: list[str] | None = None
    occasion: str | None = None
    season: str | None = None
    colours: list[str] | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    size: str | None = None  # a size label ("50", "M", "43"); needs stock in that size
    location: str | None = None  # "online" or a store code; stock must be there
    in_stock_only: bool = False


class StockAt(Record):
    location: str  # "online" or a store code
    quantity: int  # available now (on hand minus held for pickup)
    distance_km: float | None = None
    store_name: str | None = None
    city: str | None = None


class ProductHit(Record):
    """What a product card needs."""

    sku: str
    title_it: str
    title_en: str
    # None: unknown (a retailer's feed did not say); never a match for a filter on it
    department: str | None
    category: str | None
    subcategory: str | None
    brand: str | None
    price: Price
    colours: list[str]
    pattern: str | None
    fabric: str  # "70% wool, 30% cashmere"; "" when unknown
    fit: str | None
    style: str | None
    formality: int | None
    occasions: list[str]
    seasons: list[str]
    image: str
    url: str
    sizes: list[str]  # the whole size run
    sizes_in_stock: list[str]  # at the filtered location, else anywhere
    score: float
    matched: list[str] = []  # attributes of the query this product matched exactly
    # size -> the variant to stock-check and reserve: an imported feed names variants its own way
    variant_ids: dict[str, str] = {}


class SearchResult(Record):
    query: str
    filters: SearchFilters
    hits: list[ProductHit]
    total_candidates: int  # products passing the hard filters
    timings_ms: dict[str, float] = {}


# --- goal and constraints -------------------------------------------------------------------

class Evidence(Record):
    type: str  # search, product_view, content_view, add_to_cart, purchase, message
    text: str | None = None
    sku: str | None = None
    at: datetime | None = None
    weight: float


class Goal(Record):
    label: str  # a key of tools.taxonomy.GOAL_KEYS
    confidence: float = Field(ge=0, le=1)
    evidence: list[Evidence] = []
    department: str | None = None
    source: Source = "events"
    candidates: list[str] = []  # when unknown: the goals the evidence split between, best first


class Budget(Record):
    max: Amount | None = None
    min: Amount | None = None
    scope: Literal["total", "per_item"] = "total"
    currency: str = "EUR"
    source: Source = "message"


class Location(Record):
    city: str | None = None
    store_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    source: Source = "message"


class Constraints(Record):
    budget: Budget | None = None
    sizes: dict[str, str] = {}  # size system ("IT", "INT", "EU", "AGE") -> size label
    size_sources: dict[str, Source] = {}
    colours: list[str] = []
    location: Location | None = None
    exclusions: list[str] = []  # colours, categories or materials the shopper does not want
    only_slots: list[str] = []  # "only the shoes" -> ["shoes"]
    wanted_slots: list[str] = []  # "add a belt": an optional slot the look must fill
    size_said: dict[str, str] = {}  # size system -> the size as the shopper said it ("US 10" for EU 43)
    ambiguous_sizes: list[str] = []  # this message's sizes that read several ways: asked, never guessed
    black_tie: bool = False  # the shopper asked for black tie (tuxedo, evening gown) by name


# --- cards ----------------------------------------------------------------------------------

class OutfitItem(Record):
    sku: str
    variant_id: str
    title: str
    category: str
    slot: str
    size: str
    price: Price
    image: str
    url: str
    availability: list[StockAt]
    why: str
    fabric: str = ""
    fit: str = ""
    colour: str = ""
    sizes_in_stock: list[str] = []
    optional: bool = False


class OutfitCard(Record):
    type: Literal["sarto.outfit"] = "sarto.outfit"
    layout: Layout = "image-grid"
    goal: str
    department: str
    items: list[OutfitItem]
    total: Price
    budget: Budget | None = None
    fits_budget: bool
    over_budget_by: Amount | None = None
    fulfilment: str  # "online" or a store code: where every item is available together
    fulfilment_name: str | None = None
    missing_slots: list[str] = []
    alternatives: dict[str, list[OutfitItem]] = {}


class ProductsCard(Record):
    type: Literal["sarto.products"] = "sarto.products"
    layout: Layout = "image-grid"
    title: str
    items: list[ProductHit]


class AlternativesCard(Record):
    type: Literal["sarto.alternatives"] = "sarto.alternatives"
    layout: Layout = "image-grid"
    slot: str | None = None
    items: list[OutfitItem]
    saves: Amount | None = None


class AvailabilityCard(Record):
    type: Literal["sarto.availability"] = "sarto.availability"
    layout: Layout = "spec-table"
    sku: str
    title: str
    size: str | None
    locations: list[StockAt]


Card = Annotated[
    OutfitCard | ProductsCard | AlternativesCard | AvailabilityCard, Field(discriminator="type")
]


class ToolCall(Record):
    name: str
    args: dict[str, Any]
    status: str = "ok"
    ms: float = 0.0


class HereAndNow(Record):
    """The here and now a turn was answered in (tools.moment): the city whose weather counted, the
    shopper's local time, and the weather — the app's report, a forecast, or what is usual in that
    city in that month (the climate normals) — with the season and rain the look was dressed for."""

    city: str | None = None
    time_zone: str
    local_time: datetime
    part_of_day: Literal["morning", "afternoon", "evening", "night"]
    month: int = Field(ge=1, le=12)
    weather_source: Literal["app", "forecast", "normals", "none"]
    app_weather: str | None = None
    t_min: float | None = None  # °C
    t_max: float | None = None
    rainy_days: int | None = None  # normals: days with rain in a usual month
    rain_chance: int | None = None  # forecast: % chance of rain today
    rain_mm: float | None = None
    season: str
    wet: bool = False


class TurnResult(Record):
    """One turn as `sarto ask --json` prints it and the non-streaming API returns it."""

    thread_id: str
    shopper_id: str
    language: Literal["it", "en"]
    goal: Goal
    constraints: Constraints
    presentation: Layout
    cards: list[Card]
    text: str
    question: str | None = None  # the one question asked when the goal is unknown
    pending_reservation: dict[str, Any] | None = None
    tool_calls: list[ToolCall] = []
    timings_ms: dict[str, float] = {}
    here_and_now: HereAndNow | None = None  # the place, time and weather the answer went by


# --- shopper data -------------------------------------------------------------------------

class BrowsingEvent(BaseModel):
    """A browsing event as the storefront, the app and `--events` files send it."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["search", "product_view", "content_view", "add_to_cart", "purchase"]
    sku: str | None = Field(default=None, max_length=64)
    text: str | None = Field(default=None, max_length=500)
    at: datetime | None = None
    days_ago: float | None = Field(default=None, ge=0, le=3650, strict=True)  # `false` is not a number

    @field_validator("at")
    @classmethod
    def _a_moment_of_this_century(cls, value: datetime | None) -> datetime | None:
        if value is not None and not EARLIEST <= as_utc(value) < LATEST:
            raise ValueError("at must be between 2000 and 2100")
        return value
