"""A store's page as schema.org structured data: the `Store` (address, geo, opening hours,
telephone) and an `OfferCatalog` of what it has in stock now, one `Offer` per product with its
availability and price, available at that store."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tools.catalog.exports.products_feed import absolute, product_url
from tools.catalog.exports.selection import LOW_STOCK, amount
from tools.catalog.exports.store_shelf import ShelfItem, StoreFacts, StoreShelf

SCHEMA = "https://schema.org"
DAYS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
        "sat": "Saturday", "sun": "Sunday"}


def store_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/stores/{quote(code, safe='')}"


def availability(units: int) -> str:
    if units <= 0:
        return f"{SCHEMA}/OutOfStock"
    return f"{SCHEMA}/LimitedAvailability" if units <= LOW_STOCK else f"{SCHEMA}/InStock"


def opening_hours(hours: dict[str, Any]) -> list[dict[str, str]]:
    """One specification per open day; a day with no hours (None) is closed and left out."""
    specs = []
    for day, name in DAYS.items():
        span = hours.get(day)
        if isinstance(span, list | tuple) and len(span) == 2:
            specs.append({"@type": "OpeningHoursSpecification", "dayOfWeek": f"{SCHEMA}/{name}",
                          "opens": str(span[0]), "closes": str(span[1])})
    return specs


def _address(store: StoreFacts) -> dict[str, str]:
    address = {"@type": "PostalAddress", "streetAddress": store.address, "addressLocality": store.city}
    if store.postal_code:
        address["postalCode"] = store.postal_code
    if store.country:
        address["addressCountry"] = store.country
    return address


def _offer(item: ShelfItem, store_id: str, base_url: str) -> dict[str, Any]:
    product: dict[str, Any] = {"@type": "Product", "name": item.title, "sku": item.sku,
                               "url": product_url(base_url, item.sku)}
    if item.image:
        product["image"] = absolute(base_url, item.image)
    if item.brand:
        product["brand"] = {"@type": "Brand", "name": item.brand}
    return {"@type": "Offer", "itemOffered": product, "url": product_url(base_url, item.sku),
            "price": str(amount(item.price)), "priceCurrency": item.currency,
            "availability": availability(item.units), "availableAtOrFrom": {"@id": store_id}}


def store_json_ld(shelf: StoreShelf, base_url: str) -> dict[str, Any]:
    store = shelf.store
    url = store_url(base_url, store.code)
    store_id = f"{url}#store"
    data: dict[str, Any] = {
        "@context": SCHEMA, "@type": "Store", "@id": store_id, "name": store.name, "url": url,
        "address": _address(store),
        "geo": {"@type": "GeoCoordinates", "latitude": store.lat, "longitude": store.lon},
        "openingHoursSpecification": opening_hours(store.hours),
    }
    if store.phone:
        data["telephone"] = store.phone
    data["hasOfferCatalog"] = {
        "@type": "OfferCatalog", "name": f"Disponibile ora da {store.name}",
        "itemListElement": [
            {"@type": "OfferCatalog", "name": f"{department.heading} — {section.heading}",
             "itemListElement": [_offer(item, store_id, base_url) for item in section.items]}
            for department in shelf.departments for section in department.sections],
    }
    return data
