"""Browsing sessions: each one pursues a goal of the taxonomy with searches, product and content views."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from catalog_seed.products import SeedCatalog, serves_goal
from tools.taxonomy import CATEGORIES, DEPARTMENTS, GOALS

# What shoppers read while they pursue a goal (IT, EN).
CONTENT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "job_interview": (
        ("come vestirsi per un colloquio di lavoro", "colloquio di lavoro: cosa indossare"),
        ("how to dress for a job interview", "interview outfit guide"),
    ),
    "office_everyday": (
        ("look da ufficio per tutti i giorni", "guida al business casual"),
        ("office outfits for every day", "a guide to business casual"),
    ),
    "wedding_guest": (
        ("lookbook matrimonio estate", "cosa indossare a un matrimonio da invitato"),
        ("wedding guest dress code guide", "summer wedding lookbook"),
    ),
    "formal_evening": (
        ("dress code black tie: la guida", "look per una serata elegante"),
        ("what to wear to a gala", "black tie dress code explained"),
    ),
    "date_night": (
        ("idee outfit per il primo appuntamento", "look per una cena romantica"),
        ("date night outfit ideas", "what to wear on a first date"),
    ),
    "casual_weekend": (
        ("lookbook weekend in città", "capi basic per il tempo libero"),
        ("easy weekend outfits", "city weekend lookbook"),
    ),
    "rainy_days": (
        ("come vestirsi quando piove", "guida ai trench e agli impermeabili"),
        ("what to wear on rainy days", "a guide to raincoats"),
    ),
    "winter_cold": (
        ("come vestirsi a strati in inverno", "guida ai cappotti invernali"),
        ("layering for cold weather", "winter coat guide"),
    ),
    "beach_holiday": (
        ("cosa mettere in valigia per il mare", "lookbook vacanze estate"),
        ("beach holiday packing list", "summer holiday lookbook"),
    ),
    "outdoor_hiking": (
        ("attrezzatura per il trekking: la guida", "come vestirsi per un'escursione in montagna"),
        ("what to wear hiking", "hiking layering guide"),
    ),
    "sport_training": (
        ("come scegliere le scarpe da running", "abbigliamento per l'allenamento"),
        ("how to choose running shoes", "training gear guide"),
    ),
    "business_travel": (
        ("valigia per un viaggio di lavoro", "look da viaggio per il business"),
        ("business trip packing guide", "smart travel outfits"),
    ),
}
# Words shoppers add to a category when searching with a goal in mind (IT, EN).
_MODIFIERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "job_interview": (
        ("elegante", "per colloquio", "blu", "formale"),
        ("formal", "for an interview", "navy"),
    ),
    "office_everyday": (("da ufficio", "classica", "grigio"), ("for the office", "smart", "grey")),
    "wedding_guest": (
        ("per matrimonio", "da cerimonia", "elegante"),
        ("for a wedding", "ceremony", "elegant"),
    ),
    "formal_evening": (("da sera", "elegante", "nero"), ("evening", "black tie", "black")),
    "date_night": (("per appuntamento", "elegante", "sera"), ("date night", "smart", "evening")),
    "casual_weekend": (("casual", "comoda", "cotone"), ("casual", "comfy", "cotton")),
    "rainy_days": (("impermeabile", "pioggia", "antipioggia"), ("waterproof", "rain", "for rain")),
    "winter_cold": (("invernale", "caldo", "lana"), ("winter", "warm", "wool")),
    "beach_holiday": (("mare", "estate", "lino"), ("beach", "summer", "linen")),
    "outdoor_hiking": (("trekking", "montagna", "tecnica"), ("hiking", "mountain", "technical")),
    "sport_training": (("running", "palestra", "allenamento"), ("running", "gym", "training")),
    "business_travel": (("da viaggio", "antipiega", "business"), ("travel", "crease-resistant", "business")),
}
_GOAL_WEIGHTS = {
    "job_interview": 2,
    "office_everyday": 2,
    "wedding_guest": 1.5,
    "formal_evening": 1,
    "date_night": 1.5,
    "casual_weekend": 3,
    "rainy_days": 1,
    "winter_cold": 1.5,
    "beach_holiday": 1.2,
    "outdoor_hiking": 0.8,
    "sport_training": 1,
    "business_travel": 1,
}


def goal_candidates(catalog: SeedCatalog, seed: int, limit: int = 40) -> dict[tuple[str, str], list[str]]:
    """Up to `limit` SKUs per (goal, department) that serve the goal, from a sample of the catalog."""
    rng = random.Random(f"sarto-candidates-{seed}")
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    products = catalog.products
    order = list(range(len(products)))
    rng.shuffle(order)
    for i in order[:30_000]:  # a sample is plenty for browsing and keeps 100k+ seeds fast
        p = products[i]
        for key in GOALS:
            bucket = found[(key, p["department"])]
            if len(bucket) < limit and serves_goal(
                key, p["department"], p["category"], p["occasions"], p["formality"], p["seasons"]
            ):
                bucket.append(p["sku"])
    return found


def _search_text(rng: random.Random, goal: str, department: str, language: str) -> str:
    required = GOALS[goal].slots[department][0]
    category = CATEGORIES[rng.choice(rng.choice(required).categories)]
    lang = 0 if language == "it" else 1
    words = [category.it if lang == 0 else category.en]
    if rng.random() < 0.7:
        words.append(rng.choice(_MODIFIERS[goal][lang]))
    if rng.random() < 0.3:
        words.append(DEPARTMENTS[department][lang])
    return " ".join(words)


def _days_ago(rng: random.Random) -> float:
    if rng.random() < 0.6:
        return rng.uniform(0.05, 14)  # recent sessions carry today's goal
    return rng.uniform(14, 700)


def generate_events(
    shoppers: list[dict[str, Any]], catalog: SeedCatalog, seed: int, now: datetime
) -> list[dict[str, Any]]:
    rng = random.Random(f"sarto-events-{seed}")
    candidates = goal_candidates(catalog, seed)
    events: list[dict[str, Any]] = []
    for shopper in shoppers:
        if rng.random() < 0.12:  # some shoppers never browse logged in
            continue
        department, language = shopper["department"], shopper["language"]
        goals = [g for g in GOALS if department in GOALS[g].slots and candidates.get((g, department))]
        if not goals:
            continue
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4, 5, 6))):
            goal = rng.choices(goals, weights=[_GOAL_WEIGHTS[g] for g in goals])[0]
            at = now - timedelta(days=_days_ago(rng))
            at = max(at, shopper["created_at"] + timedelta(minutes=5))
            channel = "app" if rng.random() < 0.3 else "web"
            session: list[tuple[str, str | None, str | None]] = []
            for _ in range(rng.choice((1, 1, 2))):
                session.append(("search", None, _search_text(rng, goal, department, language)))
            viewed = rng.sample(
                candidates[(goal, department)], min(len(candidates[(goal, department)]), rng.randint(2, 7))
            )
            session.extend(("product_view", sku, None) for sku in viewed)
            if rng.random() < 0.6:
                texts = CONTENT[goal][0 if language == "it" else 1]
                session.insert(rng.randint(0, len(session)), ("content_view", None, rng.choice(texts)))
            if viewed and rng.random() < 0.3:
                chosen = rng.choice(viewed)
                session.append(("add_to_cart", chosen, None))
                if rng.random() < 0.3:
                    session.append(("purchase", chosen, None))
            for kind, sku, text in session:
                at = min(at + timedelta(seconds=rng.randint(15, 240)), now - timedelta(minutes=1))
                events.append(
                    {
                        "shopper_id": shopper["id"],
                        "type": kind,
                        "sku": sku,
                        "text": text,
                        "at": at,
                        "channel": channel,
                    }
                )
    return events
