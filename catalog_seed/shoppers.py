"""Shoppers with loyalty, consent and sizes, and their unified history: online orders, store receipts."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from catalog_seed.products import SeedCatalog
from tools.lexicon import strip_accents

_MALE = (
    "Marco",
    "Luca",
    "Giuseppe",
    "Alessandro",
    "Francesco",
    "Matteo",
    "Lorenzo",
    "Andrea",
    "Davide",
    "Simone",
    "Federico",
    "Riccardo",
    "Stefano",
    "Paolo",
    "Giovanni",
    "Tommaso",
    "Pietro",
    "Nicola",
    "Gabriele",
    "Antonio",
    "Salvatore",
    "Emanuele",
    "Fabio",
    "Roberto",
)
_FEMALE = (
    "Giulia",
    "Francesca",
    "Chiara",
    "Sara",
    "Martina",
    "Valentina",
    "Alessia",
    "Elena",
    "Federica",
    "Silvia",
    "Giorgia",
    "Laura",
    "Anna",
    "Beatrice",
    "Camilla",
    "Elisa",
    "Ilaria",
    "Marta",
    "Paola",
    "Roberta",
    "Serena",
    "Veronica",
    "Aurora",
    "Noemi",
)
_SURNAMES = (
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Serra",
)
_EN_FIRST = (
    "Emma",
    "Olivia",
    "Sophie",
    "Charlotte",
    "James",
    "Oliver",
    "Thomas",
    "William",
    "Hannah",
    "Lukas",
    "Anna",
    "Claire",
    "Daniel",
    "Mia",
    "Jonas",
    "Sarah",
)
_EN_SURNAMES = (
    "Smith",
    "Clarke",
    "Walker",
    "Müller",
    "Schmidt",
    "Dubois",
    "Taylor",
    "Brown",
    "Jensen",
    "Novak",
    "Evans",
    "Murphy",
)
OTHER_CITIES = ("Trieste", "Lecce", "Perugia", "Bergamo", "Brescia", "Cagliari", "Pisa", "Monza")
HABITS = {
    "online_only": 25,
    "store_only": 20,
    "research_online_buy_store": 25,
    "casual_online_formal_store": 15,
    "no_orders": 15,
}
# Sizes by department, consistent across systems (IT 50 ~ L ~ EU 43 for a man).
_ADULT_SIZES = {
    "menswear": [
        ("46", "S", "41"),
        ("48", "M", "42"),
        ("50", "L", "43"),
        ("52", "XL", "44"),
        ("54", "XXL", "45"),
        ("48", "M", "43"),
        ("50", "L", "44"),
    ],
    "womenswear": [
        ("38", "XS", "36"),
        ("40", "S", "37"),
        ("42", "M", "38"),
        ("44", "L", "39"),
        ("46", "XL", "40"),
        ("42", "M", "37"),
    ],
}
_KIDS_SIZES = [("4A", "29"), ("6A", "30"), ("8A", "31"), ("10A", "33"), ("12A", "34")]


@dataclass
class ShopperHistory:
    shoppers: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    habits: dict[str, str] = field(default_factory=dict)  # shopper id -> habit (for browsing)


def shopper_count(products: int) -> int:
    return min(2000, max(200, products // 8))


def _ascii(text: str) -> str:
    return strip_accents(text).lower().replace(" ", "")


def _known_sizes(rng: random.Random, department: str) -> dict[str, str]:
    if department == "kids":
        age, eu = rng.choice(_KIDS_SIZES)
        return {"AGE": age, "EU": eu}
    it, intl, eu = rng.choice(_ADULT_SIZES[department])
    return {"IT": it, "INT": intl, "EU": eu}


def _shopper(rng: random.Random, number: int, stores: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    language = "it" if rng.random() < 0.8 else "en"
    department = rng.choices(("menswear", "womenswear", "kids"), weights=(45, 45, 10))[0]
    female = department == "womenswear" or (department == "kids" and rng.random() < 0.7)
    if language == "it":
        first, last = rng.choice(_FEMALE if female else _MALE), rng.choice(_SURNAMES)
    else:
        first, last = rng.choice(_EN_FIRST), rng.choice(_EN_SURNAMES)
    sid = f"S{number:05d}"
    loyal = rng.random() < 0.85
    tier = (
        rng.choices(("none", "silver", "gold", "platinum"), weights=(35, 35, 20, 10))[0] if loyal else "none"
    )
    personalisation = rng.random() < 0.8
    if rng.random() < 0.8:
        city = rng.choices([s["city"] for s in stores], weights=[s["stock_share"] for s in stores])[0]
    else:
        city = rng.choice(OTHER_CITIES)
    age_days = rng.uniform(1, 25) if rng.random() < 0.1 else rng.uniform(30, 1500)
    domain = "example.it" if language == "it" else "example.com"
    return {
        "id": sid,
        "email": f"{_ascii(first)}.{_ascii(last)}.{number}@{domain}",
        "name": f"{first} {last}",
        "loyalty_id": f"L{7_300_000 + number * 7}" if loyal else None,
        "tier": tier,
        "consent_personalisation": personalisation,
        "consent_marketing": rng.random() < (0.7 if personalisation else 0.2),
        "language": language,
        "city": city,
        "department": department,
        "known_sizes": _known_sizes(rng, department) if rng.random() < 0.7 else {},
        "is_guest": False,
        "created_at": now - timedelta(days=age_days, minutes=rng.randrange(1440)),
    }


class _Picker:
    """Products by department and formality band, to fill orders quickly."""

    def __init__(self, catalog: SeedCatalog) -> None:
        self.catalog = catalog
        self.by: dict[tuple[str, bool], list[int]] = defaultdict(list)
        for i, p in enumerate(catalog.products):
            self.by[(p["department"], p["formality"] >= 3)].append(i)

    def pick(self, rng: random.Random, department: str, formal: bool | None) -> int:
        pools = [self.by[(department, formal)]] if formal is not None else []
        pools += [self.by[(department, True)] + self.by[(department, False)]]
        pool = next(p for p in pools if p)
        return rng.choice(pool)

    def variant(self, rng: random.Random, index: int, sizes: dict[str, str]) -> str:
        product = self.catalog.products[index]
        run = self.catalog.sizes[index]
        wanted = sizes.get(self.catalog.systems[index])
        size = wanted if wanted in run else rng.choice(run[len(run) // 4 : len(run) - len(run) // 4] or run)
        return f"{product['sku']}-{size}"


def generate_shoppers(
    catalog: SeedCatalog, stores: list[dict[str, Any]], count: int, seed: int, now: datetime
) -> ShopperHistory:
    rng = random.Random(f"sarto-shoppers-{seed}")
    history = ShopperHistory()
    picker = _Picker(catalog)
    store_by_city = {s["city"]: s["code"] for s in stores}
    codes, shares = [s["code"] for s in stores], [s["stock_share"] for s in stores]
    counters = {"online": 0, "store": 0}
    for number in range(1, count + 1):
        shopper = _shopper(rng, number, stores, now)
        history.shoppers.append(shopper)
        habit = rng.choices(list(HABITS), weights=list(HABITS.values()))[0]
        history.habits[shopper["id"]] = habit
        if habit == "no_orders":
            continue
        home_store = store_by_city.get(shopper["city"]) or rng.choices(codes, weights=shares)[0]
        first_day = max(shopper["created_at"], now - timedelta(days=730))
        span = max(1.0, (now - first_day).total_seconds() / 86400 - 1)
        n_orders = rng.randint(1, 3) + {"none": 0, "silver": 1, "gold": 2, "platinum": 3}[shopper["tier"]]
        plans: list[tuple[float, str, str, bool | None]] = []
        for _ in range(n_orders):
            formal = rng.random() < 0.45
            if habit == "online_only":
                channel = "online"
            elif habit == "store_only" or habit == "research_online_buy_store":
                channel = "store" if rng.random() < 0.85 else "online"
            else:  # casual online, formal in store
                channel = "store" if formal else "online"
            plans.append((rng.uniform(1, span), channel, shopper["department"], formal))
        if (
            shopper["department"] != "kids" and rng.random() < 0.12
        ):  # an old baby/kids purchase: stale interest
            plans.append((rng.uniform(480, 720), "online", "kids", None))
        for days_ago, channel, department, formal_band in plans:
            counters[channel] += 1
            placed = now - timedelta(days=days_ago, minutes=rng.randrange(600))
            store = home_store if channel == "store" else None
            oid = (
                f"WEB-{placed.year}-{counters['online']:06d}"
                if channel == "online"
                else f"RCP-{store}-{counters['store']:06d}"
            )
            total = Decimal("0.00")
            sizes = shopper["known_sizes"] if department == shopper["department"] else {}
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                index = picker.pick(rng, department, formal_band)
                product = catalog.products[index]
                quantity = 1 if rng.random() < 0.9 else 2
                total += product["price"] * quantity
                history.lines.append(
                    {
                        "order_id": oid,
                        "variant_id": picker.variant(rng, index, sizes),
                        "sku": product["sku"],
                        "quantity": quantity,
                        "unit_price": product["price"],
                    }
                )
            history.orders.append(
                {
                    "id": oid,
                    "shopper_id": shopper["id"],
                    "channel": channel,
                    "store_code": store,
                    "placed_at": placed,
                    "total": total,
                }
            )
    return history
