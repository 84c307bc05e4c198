"""Evaluation scenarios as data: the shape of a case in `evals/cases/*.json` and the suite loader.

Cases never name a seeded shopper or SKU: the shopper is described inline and products seen or
bought are picked by attributes, so the suite survives a different seed or a retailer's catalog.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tools.taxonomy import CATEGORIES, COLOURS, DEPARTMENTS, GOAL_KEYS, SIZE_RUNS

CASES_DIR = Path(__file__).resolve().parent / "cases"
Split = Literal["dev", "heldout"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProductPick(_Data):
    """Which catalog product an event or a past purchase refers to, by attributes."""

    category: str
    department: str
    colour: str | None = None
    formality_min: int | None = None
    formality_max: int | None = None
    occasion: str | None = None

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"unknown category {value!r}")
        return value


class CaseEvent(_Data):
    type: Literal["search", "product_view", "content_view", "add_to_cart", "purchase"]
    text: str | None = None
    pick: ProductPick | None = None
    days_ago: float = Field(ge=0, le=3650)

    @model_validator(mode="after")
    def _has_content(self) -> CaseEvent:
        if self.text is None and self.pick is None:
            raise ValueError("an event needs text or a product pick")
        return self


class PastPurchase(_Data):
    pick: ProductPick
    size: str | None = None
    days_ago: float = Field(ge=0, le=3650)
    channel: Literal["online", "store"] = "online"
    store_code: str | None = None


class ShopperSpec(_Data):
    """A shopper created fresh for the case (never a seeded one)."""

    kind: Literal["new", "loyal"] = "new"
    consent: bool = False
    name: str | None = None
    email: str | None = None
    language: Literal["it", "en"] = "it"
    city: str | None = None
    department: str | None = None
    known_sizes: dict[str, str] = {}
    tier: Literal["none", "silver", "gold", "platinum"] = "none"
    history: list[PastPurchase] = []


class BudgetExpect(_Data):
    max: Decimal
    scope: Literal["total", "per_item"] = "total"


class Expect(_Data):
    """What a good answer to the turn looks like. A field left out is not checked."""

    goal: str | None = None
    department: str | None = None
    budget: BudgetExpect | None = None
    no_budget: bool = False  # the shopper gave none: a budget in the constraints is a false positive
    sizes: dict[str, str] | None = None
    colours: list[str] | None = None
    city: str | None = None
    must_ask_question: bool = False
    must_refuse_leak: bool = False
    impossible_budget: bool = False
    only_slots: list[str] | None = None
    # after a correction (issue 13): what the new answer must show, beside everything said before
    not_colours: list[str] | None = None  # no piece in these colours (or their shades)
    not_categories: list[str] | None = None  # no piece of these categories
    has_slots: list[str] | None = None  # the look fills these slots ("add a belt")
    new_in_slots: list[str] | None = None  # these slots hold a piece not shown before in the thread
    different_look: bool = False  # at least one piece not shown before ("other options")
    cheaper: bool = False  # >= 15% or EUR 30 below the last look, or the answer says why it cannot be
    less_formal: bool = False  # the look is on average less formal than the last one
    item_sizes: dict[str, str] | None = None  # slot -> size its piece must be in
    answers_availability: bool = False  # the availability tool ran and answered; no new look
    proposes_reservation: bool = False  # a reservation is proposed for confirmation
    asks_size_system: bool = False  # an ambiguous size: one question, no silent guess
    # the here and now (issue 16): the place whose weather counted, where it came from, what it meant
    weather_city: str | None = None  # e.g. "Palermo" after "no, vado a Palermo"
    weather_source: Literal["app", "forecast", "normals", "none"] | None = None
    season: Literal["spring", "summer", "autumn", "winter"] | None = None  # what the look was dressed for
    wet: bool | None = None  # rain where the shopper is: no suede or linen

    @field_validator("goal")
    @classmethod
    def _known_goal(cls, value: str | None) -> str | None:
        if value is not None and value not in GOAL_KEYS:
            raise ValueError(f"unknown goal {value!r}")
        return value

    @field_validator("department")
    @classmethod
    def _known_department(cls, value: str | None) -> str | None:
        if value is not None and value not in DEPARTMENTS:
            raise ValueError(f"unknown department {value!r}")
        return value

    @field_validator("colours", "not_colours")
    @classmethod
    def _known_colours(cls, value: list[str] | None) -> list[str] | None:
        for colour in value or []:
            if colour not in COLOURS:
                raise ValueError(f"unknown colour {colour!r}")
        return value

    @field_validator("sizes")
    @classmethod
    def _known_size_system(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for system in value or {}:
            if system not in SIZE_RUNS:
                raise ValueError(f"unknown size system {system!r}")
        return value


class Turn(_Data):
    message: str  # "{sku}" and "{title}" stand for the product `pick` chooses in the loaded catalog
    expect: Expect | None = None
    context: dict[str, Any] = {}
    pick: ProductPick | None = None
    now: datetime | None = None  # the turn's moment (a July or December request); default REFERENCE_NOW


class EvalCase(_Data):
    id: str
    split: Split
    language: Literal["it", "en"]
    tags: list[str] = []
    shopper: ShopperSpec = ShopperSpec()
    events: list[CaseEvent] = []
    turns: list[Turn] = Field(min_length=1)
    note: str = ""

    @property
    def final_expect(self) -> Expect:
        return self.turns[-1].expect or Expect()


class CaseError(ValueError):
    """A case file that does not parse: the message names the file and the case."""


def load_case_file(path: Path) -> list[EvalCase]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CaseError(f"{path.name}: not valid JSON ({exc})") from exc
    if not isinstance(raw, list):
        raise CaseError(f"{path.name}: expected a JSON list of cases")
    cases = []
    for i, item in enumerate(raw):
        try:
            cases.append(EvalCase.model_validate(item))
        except ValidationError as exc:
            ident = item.get("id", f"#{i}") if isinstance(item, dict) else f"#{i}"
            where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise CaseError(f"{path.name}: case {ident}: {where}") from exc
    return cases


def load_cases(cases_dir: Path = CASES_DIR) -> list[EvalCase]:
    """Every case of every file, in file then list order; ids must be unique."""
    cases: list[EvalCase] = []
    for path in sorted(cases_dir.glob("*.json")):
        cases.extend(load_case_file(path))
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise CaseError(f"duplicate case id {case.id!r}")
        seen.add(case.id)
    return cases


# The fast subset `make test` runs: a fixed, spread-out sample (every n-th case) plus every case
# carrying a tag the gate must never skip (safety and honesty).
FAST_TAGS = frozenset({"injection", "impossible_budget", "thin_evidence", "consent"})
SUITES = ("all", "fast", "dev", "heldout")


def select_suite(cases: list[EvalCase], suite: str, fast_every: int = 6) -> list[EvalCase]:
    split, _, rest = suite.partition(":")
    if split in ("dev", "heldout") and rest:  # "dev:tag:listening": one split of a selection
        return [c for c in select_suite(cases, rest, fast_every) if c.split == split]
    if suite == "all":
        return cases
    if suite in ("dev", "heldout"):
        return [c for c in cases if c.split == suite]
    if suite == "fast":
        picked: list[EvalCase] = []
        per_tag: dict[str, int] = {}
        for i, case in enumerate(cases):
            gate_tags = FAST_TAGS.intersection(case.tags)
            # at most two cases per gate tag, so the fast subset stays fast
            wanted = any(per_tag.get(t, 0) < 2 for t in gate_tags)
            if i % fast_every == 0 or wanted:
                picked.append(case)
                for t in gate_tags:
                    per_tag[t] = per_tag.get(t, 0) + 1
        return picked
    if suite.startswith("tag:"):
        tag = suite.removeprefix("tag:")
        return [c for c in cases if tag in c.tags]
    if suite.startswith("id:"):
        ids = set(suite.removeprefix("id:").split(","))
        return [c for c in cases if c.id in ids]
    raise CaseError(f"unknown suite {suite!r}: use one of {', '.join(SUITES)}, tag:NAME or id:A,B "
                    "(dev:... or heldout:... for one split of it)")
