"""The rows a feed parser yields (one variant, stock line or store, or one problem) and the error
that makes a whole file unusable. Part D's importer consumes exactly these."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

Availability = Literal["in_stock", "out_of_stock", "preorder", "backorder"]
Gender = Literal["male", "female", "unisex"]


def _printable(value: str) -> str:
    # A guard behind the parsers, which report these as row problems before a model is built.
    if "\x00" in value:
        raise ValueError("contains a NUL byte")
    if not value.isascii():
        value.encode("utf-8")  # UnicodeEncodeError (a ValueError) on a lone surrogate
    return value


Text = Annotated[str, AfterValidator(_printable)]


class FeedRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class FeedProblem(FeedRow):
    """One row that cannot be used (error), or one field of a kept row that was dropped (warning)."""

    line: int  # TSV/CSV: physical line, header = 1; XML: the <item>'s ordinal; JSONL: the line
    id: Text | None
    field: Text | None
    reason: Text  # English, one line, actionable
    severity: Literal["error", "warning"] = "error"


class FeedVariant(FeedRow):
    """One Merchant item: one variant (a size and colour) of a product."""

    line: int
    id: Text = Field(min_length=1, max_length=64)
    item_group_id: Text | None = Field(default=None, max_length=64)  # rows sharing it are one product
    title: Text = Field(min_length=1)
    description: Text | None = None
    link: Text | None = None
    image_link: Text | None = None
    additional_image_links: list[Text] = []
    availability: Availability | None = None
    price: Decimal = Field(gt=0, max_digits=10, decimal_places=2)  # before any sale
    currency: Text = Field(pattern=r"^[A-Z]{3}$")
    sale_price: Decimal | None = Field(default=None, gt=0, max_digits=10, decimal_places=2)
    brand: Text | None = None
    gtin: Text | None = None
    mpn: Text | None = None
    condition: Text | None = None
    google_product_category: Text | None = None
    product_type: Text | None = None  # the retailer's own path, e.g. "Uomo > Giacche"
    gender: Gender | None = None
    age_group: Text | None = None
    color: Text | None = None
    size: Text | None = None
    size_system: Text | None = None
    size_type: Text | None = None
    material: Text | None = None
    pattern: Text | None = None
    quantity: int | None = None  # online stock, when the feed carries it
    tags: list[Text] = []
    extra: dict[Text, Text] = {}  # unknown columns, kept raw


class FeedStock(FeedRow):
    """One line of a local inventory feed: a variant's stock in one store."""

    line: int
    store_code: Text = Field(min_length=1, max_length=32)
    id: Text = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=0)
    price: Decimal | None = Field(default=None, gt=0, max_digits=10, decimal_places=2)
    sale_price: Decimal | None = Field(default=None, gt=0, max_digits=10, decimal_places=2)
    availability: Text | None = None
    pickup_method: Text | None = None
    pickup_sla: Text | None = None


class FeedStore(FeedRow):
    """One store of the store directory."""

    line: int
    store_code: Text = Field(min_length=1, max_length=32)
    name: Text = Field(min_length=1)
    address: Text = Field(min_length=1)
    city: Text = Field(min_length=1)
    postal_code: Text | None = None
    country: Text | None = Field(default=None, pattern=r"^[A-Z]{2}$")  # ISO 3166-1 alpha-2
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    phone: Text | None = None
    # {"mon": ["10:00", "19:30"], ..., "sun": None}; a day with a lunch break lists two pairs
    hours: dict[str, list[str] | None] | None = None
    services: list[Text] = []


class FeedError(Exception):
    """The whole file is unusable; the message is for a person (what, where, how to fix)."""
